// Reductions along one axis (sum, max, argmax) and the row-wise log-softmax and its backward.
// Sums over long axes take one workgroup per output (a fixed tree order: the same bits every
// run); short axes one thread per output.
import type {
  ArgmaxArgs,
  LogSoftmaxArgs,
  LogSoftmaxBackwardArgs,
  ReduceArgs,
} from '../../backend.js';
import type { GpuContext } from '../gpu-context.js';
import {
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

const SHAPE_UNIFORM = 'struct U { outer: u32, axis: u32, inner: u32 }';
/** Axes at least this long are summed by a workgroup per output. */
const WORKGROUP_AXIS = 64;

export function reduce(gpu: GpuContext, args: ReduceArgs): void {
  const { op, outer, axis, inner } = args;
  const outputs = outer * inner;
  if (outputs === 0) return;
  const bound = bindBuffers(
    gpu,
    [
      { name: 'input', array: args.input, access: 'read' },
      { name: 'output', array: args.output, access: writeAccess(args.output, outputs) },
    ],
    SHAPE_UNIFORM,
  );
  const { input, output } = bound.names;
  const uniform = new UniformBlock(3).u32(outer).u32(axis).u32(inner).buffer;
  if (op === 'sum' && axis >= WORKGROUP_AXIS) {
    const code = shader(
      `reduce-sum-workgroup-${bound.aliasKey}`,
      () => `${bound.declarations}
${MAIN_PER_WORKGROUP}
  if (o >= u.outer * u.inner) { return; }
  let base = (o / u.inner) * u.axis * u.inner + o % u.inner;
  var sum = 0.0;
  for (var j = lane; j < u.axis; j = j + ${WORKGROUP_SIZE}u) { sum = sum + ${input}[base + j * u.inner]; }
  partial[lane] = sum;
${WORKGROUP_SUM}
  if (lane == 0u) { ${output}[o] = partial[0]; }
}`,
    );
    gpu.dispatch(code, uniform, bound.buffers, grid(outputs, 1));
    return;
  }
  const step =
    op === 'sum'
      ? 'acc = acc + x;'
      : 'if (is_nan(x)) { acc = x; break; } if (x > acc) { acc = x; }';
  const code = shader(
    `reduce-${op}-${bound.aliasKey}`,
    () => `${bound.declarations}${NAN_HELPERS}
${MAIN_1D}
  if (i >= u.outer * u.inner) { return; }
  let base = (i / u.inner) * u.axis * u.inner + i % u.inner;
  var acc = ${op === 'sum' ? '0.0' : `${input}[base]`};
  for (var j = ${op === 'sum' ? '0u' : '1u'}; j < u.axis; j = j + 1u) {
    let x = ${input}[base + j * u.inner];
    ${op === 'max' ? 'if (j == 1u && is_nan(acc)) { break; }' : ''}
    ${step}
  }
  ${output}[i] = acc;
}`,
  );
  gpu.dispatch(code, uniform, bound.buffers, grid(outputs));
}

export function argmax(gpu: GpuContext, args: ArgmaxArgs): void {
  const { outer, axis, inner } = args;
  const outputs = outer * inner;
  if (outputs === 0) return;
  const bound = bindBuffers(
    gpu,
    [
      { name: 'input', array: args.input, access: 'read' },
      {
        name: 'output',
        array: args.output,
        access: writeAccess(args.output, outputs),
        type: 'i32',
      },
    ],
    SHAPE_UNIFORM,
  );
  const { input, output } = bound.names;
  const code = shader(
    `argmax-${bound.aliasKey}`,
    () => `${bound.declarations}${NAN_HELPERS}
${MAIN_1D}
  if (i >= u.outer * u.inner) { return; }
  let base = (i / u.inner) * u.axis * u.inner + i % u.inner;
  var best = ${input}[base];
  var index = 0u;
  if (!is_nan(best)) {
    for (var j = 1u; j < u.axis; j = j + 1u) {
      let x = ${input}[base + j * u.inner];
      if (is_nan(x)) { index = j; break; }
      if (x > best) { best = x; index = j; }
    }
  }
  ${output}[i] = i32(index);
}`,
  );
  const uniform = new UniformBlock(3).u32(outer).u32(axis).u32(inner).buffer;
  gpu.dispatch(code, uniform, bound.buffers, grid(outputs));
}

const ROWS_UNIFORM = 'struct U { rows: u32, columns: u32 }';

export function logSoftmax(gpu: GpuContext, args: LogSoftmaxArgs): void {
  const { rows, columns } = args;
  if (rows * columns === 0) return;
  const bound = bindBuffers(
    gpu,
    [
      { name: 'input', array: args.input, access: 'read' },
      { name: 'output', array: args.output, access: writeAccess(args.output, rows * columns) },
    ],
    ROWS_UNIFORM,
  );
  const { input, output } = bound.names;
  // (x - max) - log(sum): rounding max + log(sum) first would lose digits of large logits.
  const code = shader(
    `log-softmax-${bound.aliasKey}`,
    () => `${bound.declarations}
${MAIN_1D}
  if (i >= u.rows) { return; }
  let start = i * u.columns;
  var infinityBits = 0xff800000u;
  let negativeInfinity = bitcast<f32>(infinityBits);
  var largest = negativeInfinity;
  for (var j = 0u; j < u.columns; j = j + 1u) {
    let x = ${input}[start + j];
    if (x > largest) { largest = x; }
  }
  if (largest == negativeInfinity) { largest = 0.0; }
  var sum = 0.0;
  for (var j = 0u; j < u.columns; j = j + 1u) { sum = sum + exp(${input}[start + j] - largest); }
  let logSum = log(sum);
  for (var j = 0u; j < u.columns; j = j + 1u) {
    ${output}[start + j] = (${input}[start + j] - largest) - logSum;
  }
}`,
  );
  const uniform = new UniformBlock(2).u32(rows).u32(columns).buffer;
  gpu.dispatch(code, uniform, bound.buffers, grid(rows));
}

export function logSoftmaxBackward(gpu: GpuContext, args: LogSoftmaxBackwardArgs): void {
  const { rows, columns } = args;
  if (rows * columns === 0) return;
  const bound = bindBuffers(
    gpu,
    [
      { name: 'output', array: args.output, access: 'read' },
      { name: 'gradOutput', array: args.gradOutput, access: 'read' },
      {
        name: 'gradInput',
        array: args.gradInput,
        access: writeAccess(args.gradInput, rows * columns),
      },
    ],
    ROWS_UNIFORM,
  );
  const { output, gradOutput, gradInput } = bound.names;
  const code = shader(
    `log-softmax-backward-${bound.aliasKey}`,
    () => `${bound.declarations}
${MAIN_1D}
  if (i >= u.rows) { return; }
  let start = i * u.columns;
  var sum = 0.0;
  for (var j = 0u; j < u.columns; j = j + 1u) { sum = sum + ${gradOutput}[start + j]; }
  for (var j = 0u; j < u.columns; j = j + 1u) {
    let k = start + j;
    ${gradInput}[k] = ${gradOutput}[k] - exp(${output}[k]) * sum;
  }
}`,
  );
  const uniform = new UniformBlock(2).u32(rows).u32(columns).buffer;
  gpu.dispatch(code, uniform, bound.buffers, grid(rows));
}
