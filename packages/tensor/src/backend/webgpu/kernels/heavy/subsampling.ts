// The paper's trainable sub-sampling (LeNet-5's S2 and S4) on the GPU. Forward is one pass:
// each invocation sums one window, stores the sum and writes the `multiplier` output maps that
// read it. Backward is three passes: the pre-activation gradient in place, the per-map
// coefficient and bias gradients (one workgroup per map, fixed-order sums, no atomics), and
// the input gradient gathered per input element.
import type {
  Activation,
  SubsamplingArgs,
  SubsamplingBackwardArgs,
  SubsamplingGeometry,
} from '../../../backend.js';
import type { GpuContext, GpuShader } from '../../gpu-context.js';
import { activateWgsl, activationDerivativeWgsl } from './activation.js';
import { REDUCE_WORKGROUP, workgroupSumWgsl } from './channel-sums.js';
import { foldedGrid, GRID_BUILTINS, GROUP_INDEX } from './grid.js';
import { packUniform, uniformWgsl } from './uniforms.js';

const fields = {
  batch: 'u32',
  channels: 'u32',
  multiplier: 'u32',
  inHeight: 'u32',
  inWidth: 'u32',
  window: 'u32',
  outHeight: 'u32',
  outWidth: 'u32',
} as const;

const WORKGROUP = 64;

function pack(geometry: SubsamplingGeometry): ArrayBuffer {
  return packUniform(fields, geometry);
}

function memo<T>(build: (activation: Activation) => T): (activation: Activation) => T {
  const cache = new Map<Activation, T>();
  return (activation) => {
    let value = cache.get(activation);
    if (value === undefined) {
      value = build(activation);
      cache.set(activation, value);
    }
    return value;
  };
}

const forwardShader = memo(
  (activation): GpuShader => ({
    label: `heavy/subsampling-forward ${activation}`,
    code: /* wgsl */ `
${uniformWgsl(fields)}
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> coefficient: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> sums: array<f32>;
@group(0) @binding(5) var<storage, read_write> output: array<f32>;
${activateWgsl(activation)}
@compute @workgroup_size(${WORKGROUP})
fn main(${GRID_BUILTINS}) {
  let index = ${GROUP_INDEX} * ${WORKGROUP}u + lid;
  let inner = params.outHeight * params.outWidth;
  if (index >= params.batch * params.channels * inner) { return; }
  let position = index % inner;
  let ow = position % params.outWidth;
  let oh = position / params.outWidth;
  let plane = index / inner;
  var sum = 0.0;
  for (var kh = 0u; kh < params.window; kh++) {
    let row = (plane * params.inHeight + oh * params.window + kh) * params.inWidth + ow * params.window;
    for (var kw = 0u; kw < params.window; kw++) { sum += input[row + kw]; }
  }
  sums[index] = sum;
  let item = plane / params.channels;
  let c = plane % params.channels;
  for (var j = 0u; j < params.multiplier; j++) {
    let m = c * params.multiplier + j;
    output[(item * params.channels * params.multiplier + m) * inner + position] =
      activate(coefficient[m] * sum + bias[m]);
  }
}
`,
  }),
);

export function subsampling(gpu: GpuContext, args: SubsamplingArgs): void {
  const total = args.batch * args.channels * args.outHeight * args.outWidth;
  if (total === 0) return;
  gpu.dispatch(
    forwardShader(args.activation),
    pack(args),
    [
      gpu.input(args.input),
      gpu.input(args.coefficient),
      gpu.input(args.bias),
      gpu.output(args.sums),
      gpu.output(args.output),
    ],
    foldedGrid(Math.ceil(total / WORKGROUP)),
  );
}

/** gradOutput = gradOutput * f'(output), in place. */
const preActivationShader = memo(
  (activation): GpuShader => ({
    label: `heavy/subsampling-pre-activation-gradient ${activation}`,
    code: /* wgsl */ `
${uniformWgsl(fields)}
@group(0) @binding(1) var<storage, read> output: array<f32>;
@group(0) @binding(2) var<storage, read_write> gradOutput: array<f32>;
${activationDerivativeWgsl(activation)}
@compute @workgroup_size(${WORKGROUP})
fn main(${GRID_BUILTINS}) {
  let index = ${GROUP_INDEX} * ${WORKGROUP}u + lid;
  if (index >= params.batch * params.channels * params.multiplier * params.outHeight * params.outWidth) { return; }
  gradOutput[index] = gradOutput[index] * activationDerivative(output[index]);
}
`,
  }),
);

/** gradCoefficient[m] = sum g * sums, gradBias[m] = sum g: one workgroup per map m. */
const parameterGradientShader: GpuShader = {
  label: 'heavy/subsampling-parameter-gradients',
  code: /* wgsl */ `
${uniformWgsl(fields)}
@group(0) @binding(1) var<storage, read> sums: array<f32>;
@group(0) @binding(2) var<storage, read_write> gradOutput: array<f32>;
@group(0) @binding(3) var<storage, read_write> gradCoefficient: array<f32>;
@group(0) @binding(4) var<storage, read_write> gradBias: array<f32>;
${workgroupSumWgsl}
@compute @workgroup_size(${REDUCE_WORKGROUP})
fn main(${GRID_BUILTINS}) {
  let m = ${GROUP_INDEX};
  let maps = params.channels * params.multiplier;
  let inner = params.outHeight * params.outWidth;
  let c = m / params.multiplier;
  var weighted = 0.0;
  var plain = 0.0;
  if (m < maps) {
    for (var j = lid; j < params.batch * inner; j += ${REDUCE_WORKGROUP}u) {
      let item = j / inner;
      let position = j % inner;
      let g = gradOutput[(item * maps + m) * inner + position];
      weighted += g * sums[(item * params.channels + c) * inner + position];
      plain += g;
    }
  }
  let coefficientSum = workgroupSum(lid, weighted);
  let biasSum = workgroupSum(lid, plain);
  if (lid == 0u && m < maps) {
    gradCoefficient[m] = coefficientSum;
    gradBias[m] = biasSum;
  }
}
`,
};

/** gradInput[n, c, ih, iw] = sum over the maps m of c of coefficient[m] * g[n, m, window]. */
const inputGradientShader: GpuShader = {
  label: 'heavy/subsampling-input-gradient',
  code: /* wgsl */ `
${uniformWgsl(fields)}
@group(0) @binding(1) var<storage, read> coefficient: array<f32>;
@group(0) @binding(2) var<storage, read_write> gradOutput: array<f32>;
@group(0) @binding(3) var<storage, read_write> gradInput: array<f32>;
@compute @workgroup_size(${WORKGROUP})
fn main(${GRID_BUILTINS}) {
  let index = ${GROUP_INDEX} * ${WORKGROUP}u + lid;
  if (index >= params.batch * params.channels * params.inHeight * params.inWidth) { return; }
  let iw = index % params.inWidth;
  let ih = (index / params.inWidth) % params.inHeight;
  let plane = index / (params.inWidth * params.inHeight);
  let oh = ih / params.window;
  let ow = iw / params.window;
  var sum = 0.0;
  if (oh < params.outHeight && ow < params.outWidth) {
    let item = plane / params.channels;
    let c = plane % params.channels;
    let maps = params.channels * params.multiplier;
    for (var j = 0u; j < params.multiplier; j++) {
      let m = c * params.multiplier + j;
      sum += coefficient[m] * gradOutput[((item * maps + m) * params.outHeight + oh) * params.outWidth + ow];
    }
  }
  gradInput[index] = sum;
}
`,
};

export function subsamplingBackward(gpu: GpuContext, args: SubsamplingBackwardArgs): void {
  const maps = args.channels * args.multiplier;
  const outputs = args.batch * maps * args.outHeight * args.outWidth;
  const uniform = pack(args);
  // gradOutput is read and overwritten, so every pass binds it read_write (one binding).
  const gradOutput = gpu.output(args.gradOutput, { reads: true });
  if (outputs > 0) {
    gpu.dispatch(
      preActivationShader(args.activation),
      uniform,
      [gpu.input(args.output), gradOutput],
      foldedGrid(Math.ceil(outputs / WORKGROUP)),
    );
  }
  if (maps > 0) {
    gpu.dispatch(
      parameterGradientShader,
      uniform,
      [
        gpu.input(args.sums),
        gradOutput,
        gpu.output(args.gradCoefficient),
        gpu.output(args.gradBias),
      ],
      foldedGrid(maps),
    );
  }
  const inputs = args.batch * args.channels * args.inHeight * args.inWidth;
  if (args.gradInput && inputs > 0) {
    gpu.dispatch(
      inputGradientShader,
      uniform,
      [gpu.input(args.coefficient), gradOutput, gpu.output(args.gradInput)],
      foldedGrid(Math.ceil(inputs / WORKGROUP)),
    );
  }
}
