// Gather, scatter-add (deterministic: each output element sums its sources in index order,
// no float atomics) and the strided n-d copy (bit copies, so int32 and float32 alike).

import type { CopyArgs, GatherArgs, ScatterAddArgs } from '../../backend.js';
import { collapseDimensions } from '../../reference/elementwise.js';
import type { GpuContext } from '../gpu-context.js';
import {
  bindBuffers,
  grid,
  MAIN_1D,
  NAN_HELPERS,
  shader,
  UniformBlock,
  writeAccess,
} from './shader-parts.js';

const INDEX_UNIFORM = 'struct U { outer: u32, axis: u32, count: u32, inner: u32 }';

function indexUniform(args: GatherArgs | ScatterAddArgs): ArrayBuffer {
  return new UniformBlock(4).u32(args.outer).u32(args.axis).u32(args.count).u32(args.inner).buffer;
}

/** output[o, j, i] = input[o, indices[o, j, i], i]; an index outside [0, axis) gives NaN. */
export function gather(gpu: GpuContext, args: GatherArgs): void {
  const { outer, count, inner } = args;
  const length = outer * count * inner;
  if (length === 0) return;
  const bound = bindBuffers(
    gpu,
    [
      { name: 'input', array: args.input, access: 'read' },
      { name: 'indices', array: args.indices, access: 'read', type: 'i32' },
      { name: 'output', array: args.output, access: writeAccess(args.output, length) },
    ],
    INDEX_UNIFORM,
  );
  const { input, indices, output } = bound.names;
  const code = shader(
    `gather-${bound.aliasKey}`,
    () => `${bound.declarations}${NAN_HELPERS}
${MAIN_1D}
  if (i >= u.outer * u.count * u.inner) { return; }
  let o = i / (u.count * u.inner);
  let within = i % u.inner;
  let index = ${indices}[i];
  if (index < 0 || u32(index) >= u.axis) { ${output}[i] = nan(); return; }
  ${output}[i] = ${input}[(o * u.axis + u32(index)) * u.inner + within];
}`,
  );
  gpu.dispatch(code, indexUniform(args), bound.buffers, grid(length));
}

/**
 * output[o, k, i] += the sources whose index is k, added in order of j (as the reference
 * does), one thread per output element; out-of-range indices are skipped.
 */
export function scatterAdd(gpu: GpuContext, args: ScatterAddArgs): void {
  const { outer, axis, count, inner } = args;
  const length = outer * axis * inner;
  if (length === 0 || count === 0) return;
  const bound = bindBuffers(
    gpu,
    [
      { name: 'source', array: args.source, access: 'read' },
      { name: 'indices', array: args.indices, access: 'read', type: 'i32' },
      { name: 'output', array: args.output, access: 'readWrite' },
    ],
    INDEX_UNIFORM,
  );
  const { source, indices, output } = bound.names;
  const code = shader(
    `scatter-add-${bound.aliasKey}`,
    () => `${bound.declarations}
${MAIN_1D}
  if (i >= u.outer * u.axis * u.inner) { return; }
  let o = i / (u.axis * u.inner);
  let k = i32((i / u.inner) % u.axis);
  let within = i % u.inner;
  var sum = ${output}[i];
  let first = o * u.count * u.inner + within;
  for (var j = 0u; j < u.count; j = j + 1u) {
    let position = first + j * u.inner;
    if (${indices}[position] == k) { sum = sum + ${source}[position]; }
  }
  ${output}[i] = sum;
}`,
  );
  gpu.dispatch(code, indexUniform(args), bound.buffers, grid(length));
}

const MAX_RANK = 8;

/** Strided copy of 32-bit words: float32 and int32 arrays use the same shader. */
export function copy(gpu: GpuContext, args: CopyArgs): void {
  let length = 1;
  for (const size of args.shape) length *= size;
  if (length === 0) return;
  const collapsed = collapseDimensions(args.shape, [args.inputStrides, args.outputStrides]);
  const rank = collapsed.shape.length;
  if (rank > MAX_RANK) {
    throw new RangeError(
      `webgpu copy: ${rank} dimensions after merging contiguous ones; at most ${MAX_RANK} supported`,
    );
  }
  const [inputStrides, outputStrides] = collapsed.strides;
  // The whole output written in order: its old values need not be read.
  const covers =
    args.outputOffset === 0 &&
    length === args.output.length &&
    rank === 1 &&
    outputStrides[0] === 1;
  const bound = bindBuffers(
    gpu,
    [
      { name: 'input', array: args.input, access: 'read', type: 'u32' },
      {
        name: 'output',
        array: args.output,
        access: covers ? 'write' : 'readWrite',
        type: 'u32',
      },
    ],
    `struct U { length: u32, rank: u32, inputOffset: u32, outputOffset: u32,
  shape: array<vec4<u32>, 2>, inputStrides: array<vec4<i32>, 2>, outputStrides: array<vec4<i32>, 2> }`,
  );
  const { input, output } = bound.names;
  const code = shader(
    `copy-${bound.aliasKey}`,
    () => `${bound.declarations}
${MAIN_1D}
  if (i >= u.length) { return; }
  var rest = i;
  var sourceIndex = i32(u.inputOffset);
  var targetIndex = i32(u.outputOffset);
  for (var d = i32(u.rank) - 1; d >= 0; d = d - 1) {
    let size = u.shape[d / 4][d % 4];
    let coordinate = i32(rest % size);
    rest = rest / size;
    sourceIndex = sourceIndex + coordinate * u.inputStrides[d / 4][d % 4];
    targetIndex = targetIndex + coordinate * u.outputStrides[d / 4][d % 4];
  }
  ${output}[u32(targetIndex)] = ${input}[u32(sourceIndex)];
}`,
  );
  const uniform = new UniformBlock(28)
    .u32(length)
    .u32(rank)
    .u32(args.inputOffset)
    .u32(args.outputOffset)
    .u32Array(collapsed.shape, MAX_RANK);
  for (const strides of [inputStrides, outputStrides]) {
    for (let d = 0; d < MAX_RANK; d++) uniform.i32(d < strides.length ? strides[d] : 0);
  }
  gpu.dispatch(code, uniform.buffer, bound.buffers, grid(length));
}
