// Per-channel sums over [outer, channels, inner] data (a convolution's bias gradient) without
// atomics: one workgroup per channel, each invocation sums a fixed strided subset, then a
// fixed-shape tree in shared memory; the same inputs always give the same bits.
import type { GpuContext } from '../../gpu-context.js';
import { foldedGrid, GRID_BUILTINS, GROUP_INDEX } from './grid.js';
import { packUniform, uniformWgsl } from './uniforms.js';

/** Invocations of a reducing workgroup (a power of two). */
export const REDUCE_WORKGROUP = 256;

/**
 * `fn workgroupSum(lid, value) -> f32`: the sum of `value` over the workgroup, in a fixed
 * order. Call it in uniform control flow; it may be called several times.
 */
export const workgroupSumWgsl = /* wgsl */ `
var<workgroup> partials: array<f32, ${REDUCE_WORKGROUP}>;
fn workgroupSum(lid: u32, value: f32) -> f32 {
  partials[lid] = value;
  workgroupBarrier();
  for (var half = ${REDUCE_WORKGROUP / 2}u; half > 0u; half = half / 2u) {
    if (lid < half) { partials[lid] += partials[lid + half]; }
    workgroupBarrier();
  }
  let total = partials[0];
  workgroupBarrier();
  return total;
}
`;

const fields = { outer: 'u32', channels: 'u32', inner: 'u32' } as const;

const shader = {
  label: 'heavy/channel-sums',
  code: /* wgsl */ `
${uniformWgsl(fields)}
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read_write> sums: array<f32>;
${workgroupSumWgsl}
@compute @workgroup_size(${REDUCE_WORKGROUP})
fn main(${GRID_BUILTINS}) {
  let channel = ${GROUP_INDEX};
  var sum = 0.0;
  if (channel < params.channels) {
    for (var j = lid; j < params.outer * params.inner; j += ${REDUCE_WORKGROUP}u) {
      let o = j / params.inner;
      sum += values[(o * params.channels + channel) * params.inner + j % params.inner];
    }
  }
  let total = workgroupSum(lid, sum);
  if (lid == 0u && channel < params.channels) { sums[channel] = total; }
}
`,
};

/** sums[c] = sum over o, i of values[o, c, i]. */
export function channelSums(
  gpu: GpuContext,
  args: {
    outer: number;
    channels: number;
    inner: number;
    values: Float32Array;
    sums: Float32Array;
  },
): void {
  if (args.channels === 0) return;
  gpu.dispatch(
    shader,
    packUniform(fields, args),
    [gpu.input(args.values), gpu.output(args.sums)],
    foldedGrid(args.channels),
  );
}
