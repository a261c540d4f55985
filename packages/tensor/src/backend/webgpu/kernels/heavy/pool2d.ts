// 2-D pooling (max with argmax, average, sum), no padding. Forward: one invocation per
// output. Backward gathers instead of scattering: each input element sums, in the reference's
// order, the outputs whose windows cover it (for max: those whose argmax is this element), so
// no atomics and the same bits every run.
import type { Pool2dBackwardArgs, Pool2dForwardArgs, Pool2dGeometry } from '../../../backend.js';
import type { GpuContext, GpuShader } from '../../gpu-context.js';
import { foldedGrid, GRID_BUILTINS, GROUP_INDEX } from './grid.js';
import { packUniform, uniformWgsl } from './uniforms.js';

const fields = {
  planes: 'u32',
  inHeight: 'u32',
  inWidth: 'u32',
  kernelHeight: 'u32',
  kernelWidth: 'u32',
  strideHeight: 'u32',
  strideWidth: 'u32',
  outHeight: 'u32',
  outWidth: 'u32',
  scale: 'f32',
} as const;

const WORKGROUP = 64;

function pack(geometry: Pool2dGeometry): ArrayBuffer {
  const scale = geometry.mode === 'avg' ? 1 / (geometry.kernelHeight * geometry.kernelWidth) : 1;
  return packUniform(fields, { ...geometry, scale });
}

const MAX_DECLARATIONS = /* wgsl */ `
@group(0) @binding(3) var<storage, read_write> argmax: array<i32>;
// The first NaN wins; tested on the bits, as x != x may be folded away.
fn isNan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
`;

function forwardShader(max: boolean): GpuShader {
  const body = max
    ? /* wgsl */ `
  // Starting from the window's first element gives the reference's result (which starts
  // from -Infinity) without an infinite constant, which WGSL rejects.
  var bestIndex = top * params.inWidth + left;
  var best = input[base + bestIndex];
  var sawNan = isNan(best);
  for (var kh = 0u; kh < params.kernelHeight && !sawNan; kh++) {
    for (var kw = 0u; kw < params.kernelWidth; kw++) {
      let at = (top + kh) * params.inWidth + left + kw;
      let value = input[base + at];
      sawNan = isNan(value);
      if (value > best || sawNan) {
        best = value;
        bestIndex = at;
      }
      if (sawNan) { break; }
    }
  }
  output[index] = best;
  argmax[index] = i32(bestIndex);`
    : /* wgsl */ `
  var sum = 0.0;
  for (var kh = 0u; kh < params.kernelHeight; kh++) {
    for (var kw = 0u; kw < params.kernelWidth; kw++) {
      sum += input[base + (top + kh) * params.inWidth + left + kw];
    }
  }
  output[index] = sum * params.scale;`;
  return {
    label: `heavy/pool2d-forward max=${max}`,
    code: /* wgsl */ `
${uniformWgsl(fields)}
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;
${max ? MAX_DECLARATIONS : ''}
@compute @workgroup_size(${WORKGROUP})
fn main(${GRID_BUILTINS}) {
  let index = ${GROUP_INDEX} * ${WORKGROUP}u + lid;
  if (index >= params.planes * params.outHeight * params.outWidth) { return; }
  let ow = index % params.outWidth;
  let oh = (index / params.outWidth) % params.outHeight;
  let plane = index / (params.outWidth * params.outHeight);
  let base = plane * params.inHeight * params.inWidth;
  let top = oh * params.strideHeight;
  let left = ow * params.strideWidth;
${body}
}
`,
  };
}

const forwardShaders = [forwardShader(false), forwardShader(true)];

export function pool2dForward(gpu: GpuContext, args: Pool2dForwardArgs): void {
  const max = args.mode === 'max';
  if (max && !args.argmax) throw new TypeError('pool2dForward: max pooling needs argmax');
  const total = args.planes * args.outHeight * args.outWidth;
  if (total === 0) return;
  const buffers = [gpu.input(args.input), gpu.output(args.output)];
  if (max) buffers.push(gpu.output(args.argmax as Int32Array));
  gpu.dispatch(
    forwardShaders[max ? 1 : 0],
    pack(args),
    buffers,
    foldedGrid(Math.ceil(total / WORKGROUP)),
  );
}

function backwardShader(max: boolean): GpuShader {
  return {
    label: `heavy/pool2d-backward max=${max}`,
    code: /* wgsl */ `
${uniformWgsl(fields)}
@group(0) @binding(1) var<storage, read> gradOutput: array<f32>;
@group(0) @binding(2) var<storage, read_write> gradInput: array<f32>;
${max ? '@group(0) @binding(3) var<storage, read> argmax: array<i32>;' : ''}
@compute @workgroup_size(${WORKGROUP})
fn main(${GRID_BUILTINS}) {
  let index = ${GROUP_INDEX} * ${WORKGROUP}u + lid;
  if (index >= params.planes * params.inHeight * params.inWidth) { return; }
  let at = index % (params.inHeight * params.inWidth);
  let iw = at % params.inWidth;
  let ih = at / params.inWidth;
  let plane = index / (params.inHeight * params.inWidth);
  // Windows covering (ih, iw): oh * strideHeight <= ih < oh * strideHeight + kernelHeight.
  let ohFirst = select(0u, (ih + 1u - params.kernelHeight + params.strideHeight - 1u) / params.strideHeight, ih + 1u > params.kernelHeight);
  let ohEnd = min(params.outHeight, ih / params.strideHeight + 1u);
  let owFirst = select(0u, (iw + 1u - params.kernelWidth + params.strideWidth - 1u) / params.strideWidth, iw + 1u > params.kernelWidth);
  let owEnd = min(params.outWidth, iw / params.strideWidth + 1u);
  var sum = 0.0;
  for (var oh = ohFirst; oh < ohEnd; oh++) {
    for (var ow = owFirst; ow < owEnd; ow++) {
      let out = (plane * params.outHeight + oh) * params.outWidth + ow;
      ${max ? 'if (argmax[out] == i32(at)) { sum += gradOutput[out]; }' : 'sum += gradOutput[out] * params.scale;'}
    }
  }
  gradInput[index] = sum;
}
`,
  };
}

const backwardShaders = [backwardShader(false), backwardShader(true)];

export function pool2dBackward(gpu: GpuContext, args: Pool2dBackwardArgs): void {
  const max = args.mode === 'max';
  if (max && !args.argmax) throw new TypeError('pool2dBackward: max pooling needs argmax');
  const total = args.planes * args.inHeight * args.inWidth;
  if (total === 0) return;
  const buffers = [gpu.input(args.gradOutput), gpu.output(args.gradInput)];
  if (max) buffers.push(gpu.input(args.argmax as Int32Array));
  gpu.dispatch(
    backwardShaders[max ? 1 : 0],
    pack(args),
    buffers,
    foldedGrid(Math.ceil(total / WORKGROUP)),
  );
}
