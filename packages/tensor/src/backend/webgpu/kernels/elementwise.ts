// Element-wise WGSL kernels: unary functions and their derivatives, broadcast binary
// functions (strides in the uniform block), and the optimizer updates (subtractProduct, fill,
// axpy, adamUpdate). One thread per element; in-place calls bind the shared array once.

import type {
  AdamUpdateArgs,
  AxpyArgs,
  BinaryArgs,
  BinaryOp,
  FillArgs,
  SubtractProductArgs,
  UnaryArgs,
  UnaryBackwardArgs,
  UnaryOp,
} from '../../backend.js';
import { collapseDimensions } from '../../reference/elementwise.js';
import type { GpuContext } from '../gpu-context.js';
import {
  ACTIVATION_FUNCTIONS,
  activationDerivative,
  bindBuffers,
  grid,
  MAIN_1D,
  NAN_HELPERS,
  shader,
  UniformBlock,
  writeAccess,
} from './shader-parts.js';

const LENGTH_UNIFORM = 'struct U { length: u32 }';

function unaryExpression(op: UnaryOp, x: string): string {
  switch (op) {
    case 'neg':
      return `-${x}`;
    case 'exp':
      return `exp(${x})`;
    case 'log':
      return `log(${x})`;
    case 'sqrt':
      return `sqrt(${x})`;
    case 'abs':
      return `abs(${x})`;
    case 'square':
      return `${x} * ${x}`;
    case 'tanh':
      return `safe_tanh(${x})`;
    case 'sigmoid':
      return `sigmoid(${x})`;
    case 'relu':
      return `relu(${x})`;
    case 'scaledTanh':
      return `scaled_tanh(${x})`;
    default:
      throw new TypeError(`webgpu unary: unknown op ${op satisfies never}`);
  }
}

/** gradInput in terms of g (gradOutput), x (input) and y (output), as the reference computes it. */
function unaryDerivativeExpression(op: UnaryOp): string {
  switch (op) {
    case 'neg':
      return '-g';
    case 'exp':
      return 'g * y';
    case 'log':
      return 'g / x';
    case 'sqrt':
      return 'g / (2.0 * y)';
    case 'abs':
      return 'select(select(0.0, -g, x < 0.0), g, x > 0.0)';
    case 'square':
      return '2.0 * x * g';
    case 'tanh':
      return 'g * (1.0 - y * y)';
    case 'sigmoid':
      return 'g * y * (1.0 - y)';
    case 'relu':
      return 'select(0.0, g, x > 0.0)';
    case 'scaledTanh':
      return `g * ${activationDerivative('scaledTanh', 'y')}`;
    default:
      throw new TypeError(`webgpu unaryBackward: unknown op ${op satisfies never}`);
  }
}

export function unary(gpu: GpuContext, args: UnaryArgs): void {
  const { op, length } = args;
  if (length === 0) return;
  const bound = bindBuffers(
    gpu,
    [
      { name: 'input', array: args.input, access: 'read' },
      { name: 'output', array: args.output, access: writeAccess(args.output, length) },
    ],
    LENGTH_UNIFORM,
  );
  const { input, output } = bound.names;
  const code = shader(
    `unary-${op}-${bound.aliasKey}`,
    () => `${bound.declarations}${NAN_HELPERS}
${ACTIVATION_FUNCTIONS}
${MAIN_1D}
  if (i >= u.length) { return; }
  let x = ${input}[i];
  ${output}[i] = ${unaryExpression(op, 'x')};
}`,
  );
  gpu.dispatch(code, new UniformBlock(1).u32(length).buffer, bound.buffers, grid(length));
}

export function unaryBackward(gpu: GpuContext, args: UnaryBackwardArgs): void {
  const { op, length } = args;
  if (length === 0) return;
  const bound = bindBuffers(
    gpu,
    [
      { name: 'input', array: args.input, access: 'read' },
      { name: 'output', array: args.output, access: 'read' },
      { name: 'gradOutput', array: args.gradOutput, access: 'read' },
      { name: 'gradInput', array: args.gradInput, access: writeAccess(args.gradInput, length) },
    ],
    LENGTH_UNIFORM,
  );
  const { input, output, gradOutput, gradInput } = bound.names;
  const code = shader(
    `unary-backward-${op}-${bound.aliasKey}`,
    () => `${bound.declarations}
${MAIN_1D}
  if (i >= u.length) { return; }
  let x = ${input}[i];
  let y = ${output}[i];
  let g = ${gradOutput}[i];
  ${gradInput}[i] = ${unaryDerivativeExpression(op)};
}`,
  );
  gpu.dispatch(code, new UniformBlock(1).u32(length).buffer, bound.buffers, grid(length));
}

function binaryExpression(op: BinaryOp): string {
  switch (op) {
    case 'add':
      return 'a + b';
    case 'sub':
      return 'a - b';
    case 'mul':
      return 'a * b';
    case 'div':
      return 'a / b';
    case 'pow':
      return 'pow(a, b)';
    case 'maximum':
      return 'select(max(a, b), nan(), is_nan(a) || is_nan(b))';
    case 'minimum':
      return 'select(min(a, b), nan(), is_nan(a) || is_nan(b))';
    default:
      throw new TypeError(`webgpu binary: unknown op ${op satisfies never}`);
  }
}

/** Most dimensions a broadcast binary call may have after merging contiguous ones. */
const MAX_RANK = 8;

export function binary(gpu: GpuContext, args: BinaryArgs): void {
  const { op, output } = args;
  let length = 1;
  for (const size of args.shape) length *= size;
  if (length === 0) return;
  const outputStrides: number[] = [];
  let stride = 1;
  for (let d = args.shape.length - 1; d >= 0; d--) {
    outputStrides[d] = stride;
    stride *= args.shape[d];
  }
  const collapsed = collapseDimensions(args.shape, [args.aStrides, args.bStrides, outputStrides]);
  const rank = collapsed.shape.length;
  if (rank > MAX_RANK) {
    throw new RangeError(
      `webgpu binary: ${rank} dimensions after merging contiguous ones; at most ${MAX_RANK} supported`,
    );
  }
  const [aStrides, bStrides] = collapsed.strides;
  const bound = bindBuffers(
    gpu,
    [
      { name: 'a', array: args.a, access: 'read' },
      { name: 'b', array: args.b, access: 'read' },
      { name: 'output', array: output, access: writeAccess(output, length) },
    ],
    `struct U { length: u32, rank: u32, pad0: u32, pad1: u32,
  shape: array<vec4<u32>, 2>, aStrides: array<vec4<u32>, 2>, bStrides: array<vec4<u32>, 2> }`,
  );
  const names = bound.names;
  const code = shader(
    `binary-${op}-${bound.aliasKey}`,
    () => `${bound.declarations}${NAN_HELPERS}
${MAIN_1D}
  if (i >= u.length) { return; }
  var rest = i;
  var aIndex = 0u;
  var bIndex = 0u;
  for (var d = i32(u.rank) - 1; d >= 0; d = d - 1) {
    let size = u.shape[d / 4][d % 4];
    let coordinate = rest % size;
    rest = rest / size;
    aIndex = aIndex + coordinate * u.aStrides[d / 4][d % 4];
    bIndex = bIndex + coordinate * u.bStrides[d / 4][d % 4];
  }
  let a = ${names.a}[aIndex];
  let b = ${names.b}[bIndex];
  ${names.output}[i] = ${binaryExpression(op)};
}`,
  );
  const uniform = new UniformBlock(28)
    .u32(length)
    .u32(rank)
    .u32(0)
    .u32(0)
    .u32Array(collapsed.shape, MAX_RANK)
    .u32Array(aStrides, MAX_RANK)
    .u32Array(bStrides, MAX_RANK);
  gpu.dispatch(code, uniform.buffer, bound.buffers, grid(length));
}

export function subtractProduct(gpu: GpuContext, args: SubtractProductArgs): void {
  const { length } = args;
  if (length === 0) return;
  const bound = bindBuffers(
    gpu,
    [
      { name: 'a', array: args.a, access: 'read' },
      { name: 'b', array: args.b, access: 'read' },
      { name: 'output', array: args.output, access: 'readWrite' },
    ],
    LENGTH_UNIFORM,
  );
  const { a, b, output } = bound.names;
  const code = shader(
    `subtract-product-${bound.aliasKey}`,
    () => `${bound.declarations}
${MAIN_1D}
  if (i >= u.length) { return; }
  let product = ${a}[i] * ${b}[i];
  ${output}[i] = ${output}[i] - product;
}`,
  );
  gpu.dispatch(code, new UniformBlock(1).u32(length).buffer, bound.buffers, grid(length));
}

export function fill(gpu: GpuContext, args: FillArgs): void {
  const { length } = args;
  if (length === 0) return;
  const bound = bindBuffers(
    gpu,
    [{ name: 'output', array: args.output, access: writeAccess(args.output, length) }],
    'struct U { length: u32, value: f32 }',
  );
  const code = shader(
    'fill',
    () => `${bound.declarations}
${MAIN_1D}
  if (i >= u.length) { return; }
  ${bound.names.output}[i] = u.value;
}`,
  );
  const uniform = new UniformBlock(2).u32(length).f32(args.value);
  gpu.dispatch(code, uniform.buffer, bound.buffers, grid(length));
}

export function axpy(gpu: GpuContext, args: AxpyArgs): void {
  const { length, alpha, beta } = args;
  if (length === 0) return;
  // The special scales as the reference treats them: beta 0 ignores y, alpha 0 ignores x.
  const form = alpha === 0 ? 'scale' : beta === 0 ? 'set' : 'update';
  const yParameter = {
    name: 'y',
    array: args.y,
    access: form === 'set' ? writeAccess(args.y, length) : ('readWrite' as const),
  };
  const bound = bindBuffers(
    gpu,
    form === 'scale' ? [yParameter] : [{ name: 'x', array: args.x, access: 'read' }, yParameter],
    'struct U { length: u32, xOffset: u32, alpha: f32, beta: f32 }',
  );
  const { x, y } = bound.names;
  const expression = {
    scale: 'select(u.beta * y_old, 0.0, u.beta == 0.0)',
    set: `u.alpha * ${x}[u.xOffset + i]`,
    update: `u.alpha * ${x}[u.xOffset + i] + u.beta * y_old`,
  }[form];
  const code = shader(
    `axpy-${form}-${bound.aliasKey}`,
    () => `${bound.declarations}
${MAIN_1D}
  if (i >= u.length) { return; }
  ${form === 'set' ? '' : `let y_old = ${y}[i];`}
  ${y}[i] = ${expression};
}`,
  );
  const uniform = new UniformBlock(4)
    .u32(length)
    .u32(args.xOffset ?? 0)
    .f32(alpha)
    .f32(beta);
  gpu.dispatch(code, uniform.buffer, bound.buffers, grid(length));
}

/** One Adam step in float32 arithmetic (WGSL has no float64; the conformance test says how close). */
export function adamUpdate(gpu: GpuContext, args: AdamUpdateArgs): void {
  const { length } = args;
  if (length === 0) return;
  const bound = bindBuffers(
    gpu,
    [
      { name: 'weights', array: args.weights, access: 'readWrite' },
      { name: 'gradient', array: args.gradient, access: 'read' },
      { name: 'm', array: args.firstMoment, access: 'readWrite' },
      { name: 'v', array: args.secondMoment, access: 'readWrite' },
    ],
    `struct U { length: u32, beta1: f32, beta2: f32, epsilon: f32, stepSize: f32,
  correction2: f32, gradientDecay: f32, weightScale: f32 }`,
  );
  const { weights, gradient, m, v } = bound.names;
  const code = shader(
    `adam-update-${bound.aliasKey}`,
    () => `${bound.declarations}
${MAIN_1D}
  if (i >= u.length) { return; }
  let w = ${weights}[i];
  let g = ${gradient}[i] + u.gradientDecay * w;
  let first = u.beta1 * ${m}[i] + (1.0 - u.beta1) * g;
  let second = u.beta2 * ${v}[i] + (1.0 - u.beta2) * g * g;
  ${m}[i] = first;
  ${v}[i] = second;
  ${weights}[i] = w * u.weightScale - (u.stepSize * first) / (sqrt(second / u.correction2) + u.epsilon);
}`,
  );
  const uniform = new UniformBlock(8)
    .u32(length)
    .f32(args.beta1)
    .f32(args.beta2)
    .f32(args.epsilon)
    .f32(args.stepSize)
    .f32(args.correction2)
    .f32(args.gradientDecay)
    .f32(args.weightScale);
  gpu.dispatch(code, uniform.buffer, bound.buffers, grid(length));
}
