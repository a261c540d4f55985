// The fused per-channel bias + activation over [outer, channels, inner] and its backward: the
// element-wise gradient in one dispatch, then each channel's bias gradient summed by one
// workgroup in a fixed order.
import type { BiasActivationArgs, BiasActivationBackwardArgs } from '../../backend.js';
import type { GpuContext } from '../gpu-context.js';
import {
  ACTIVATION_FUNCTIONS,
  activationDerivative,
  activationExpression,
  bindBuffers,
  grid,
  MAIN_1D,
  MAIN_PER_WORKGROUP,
  NAN_HELPERS,
  shader,
  UniformBlock,
  WORKGROUP_SIZE,
  WORKGROUP_SUM,
  writeAccess,
} from './shader-parts.js';

const SHAPE_UNIFORM = 'struct U { outer: u32, channels: u32, inner: u32 }';

function shapeUniform(args: { outer: number; channels: number; inner: number }): ArrayBuffer {
  return new UniformBlock(3).u32(args.outer).u32(args.channels).u32(args.inner).buffer;
}

export function biasActivation(gpu: GpuContext, args: BiasActivationArgs): void {
  const { activation, outer, channels, inner } = args;
  const length = outer * channels * inner;
  if (length === 0) return;
  const bound = bindBuffers(
    gpu,
    [
      { name: 'input', array: args.input, access: 'read' },
      { name: 'bias', array: args.bias, access: 'read' },
      { name: 'output', array: args.output, access: writeAccess(args.output, length) },
    ],
    SHAPE_UNIFORM,
  );
  const { input, bias, output } = bound.names;
  const code = shader(
    `bias-activation-${activation}-${bound.aliasKey}`,
    () => `${bound.declarations}${NAN_HELPERS}
${ACTIVATION_FUNCTIONS}
${MAIN_1D}
  if (i >= u.outer * u.channels * u.inner) { return; }
  let pre = ${input}[i] + ${bias}[(i / u.inner) % u.channels];
  ${output}[i] = ${activationExpression(activation, 'pre')};
}`,
  );
  gpu.dispatch(code, shapeUniform(args), bound.buffers, grid(length));
}

export function biasActivationBackward(gpu: GpuContext, args: BiasActivationBackwardArgs): void {
  const { activation, outer, channels, inner } = args;
  const length = outer * channels * inner;
  if (channels === 0) return;
  if (length > 0) {
    const bound = bindBuffers(
      gpu,
      [
        { name: 'output', array: args.output, access: 'read' },
        { name: 'gradOutput', array: args.gradOutput, access: 'read' },
        { name: 'gradInput', array: args.gradInput, access: writeAccess(args.gradInput, length) },
      ],
      SHAPE_UNIFORM,
    );
    const { output, gradOutput, gradInput } = bound.names;
    const code = shader(
      `bias-activation-backward-${activation}-${bound.aliasKey}`,
      () => `${bound.declarations}
${MAIN_1D}
  if (i >= u.outer * u.channels * u.inner) { return; }
  let y = ${output}[i];
  ${gradInput}[i] = ${gradOutput}[i] * ${activationDerivative(activation, 'y')};
}`,
    );
    gpu.dispatch(code, shapeUniform(args), bound.buffers, grid(length));
  }
  const sums = bindBuffers(
    gpu,
    [
      { name: 'gradInput', array: args.gradInput, access: 'read' },
      { name: 'gradBias', array: args.gradBias, access: writeAccess(args.gradBias, channels) },
    ],
    SHAPE_UNIFORM,
  );
  const { gradInput, gradBias } = sums.names;
  const code = shader(
    `bias-gradient-${sums.aliasKey}`,
    () => `${sums.declarations}
${MAIN_PER_WORKGROUP}
  if (o >= u.channels) { return; }
  let count = u.outer * u.inner;
  var sum = 0.0;
  for (var k = lane; k < count; k = k + ${WORKGROUP_SIZE}u) {
    let index = ((k / u.inner) * u.channels + o) * u.inner + k % u.inner;
    sum = sum + ${gradInput}[index];
  }
  partial[lane] = sum;
${WORKGROUP_SUM}
  if (lane == 0u) { ${gradBias}[o] = partial[0]; }
}`,
  );
  gpu.dispatch(code, shapeUniform(args), sums.buffers, grid(channels, 1));
}
