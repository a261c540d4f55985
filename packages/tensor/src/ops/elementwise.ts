// Element-wise ops with NumPy broadcasting, and their gradients. Gradients of broadcast
// operands are summed back to the operand's shape (`sumTo`).
import { recordOp } from '../autograd.js';
import type { Activation, BinaryOp, UnaryOp } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { ShapeError } from '../errors.js';
import { broadcastShapes, broadcastStrides, normalizeAxis } from '../shape-utils.js';
import { type DType, Tensor } from '../tensor.js';
import { checkFloat, floatOperand } from './checks.js';
import { sumTo } from './reduce.js';
import { expand } from './shape.js';

function binaryForward(op: BinaryOp, a: Tensor, b: Tensor, name: string): Tensor {
  const shape = broadcastShapes(name, a.shape, b.shape);
  const output = Tensor.empty(shape);
  getBackend().binary({
    op,
    shape,
    a: a.data,
    aStrides: broadcastStrides(a.shape, shape),
    b: b.data,
    bStrides: broadcastStrides(b.shape, shape),
    output: output.data,
  });
  return output;
}

/** a + b (broadcast). */
export function add(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('add', a);
  const y = floatOperand('add', b);
  const out = binaryForward('add', x, y, 'add');
  return recordOp(out, 'add', [x, y], (g) => [
    x.requiresGrad ? sumTo(g, x.shape) : null,
    y.requiresGrad ? sumTo(g, y.shape) : null,
  ]);
}

/** a - b (broadcast). */
export function sub(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('sub', a);
  const y = floatOperand('sub', b);
  const out = binaryForward('sub', x, y, 'sub');
  return recordOp(out, 'sub', [x, y], (g) => [
    x.requiresGrad ? sumTo(g, x.shape) : null,
    y.requiresGrad ? sumTo(neg(g), y.shape) : null,
  ]);
}

/** a * b (broadcast). */
export function mul(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('mul', a);
  const y = floatOperand('mul', b);
  const out = binaryForward('mul', x, y, 'mul');
  return recordOp(out, 'mul', [x, y], (g) => [
    x.requiresGrad ? sumTo(mul(g, y), x.shape) : null,
    y.requiresGrad ? sumTo(mul(g, x), y.shape) : null,
  ]);
}

/** a / b (broadcast). */
export function div(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('div', a);
  const y = floatOperand('div', b);
  const out = binaryForward('div', x, y, 'div');
  return recordOp(out, 'div', [x, y], (g) => [
    x.requiresGrad ? sumTo(div(g, y), x.shape) : null,
    // d(x/y)/dy = -x / y^2 = -out / y
    y.requiresGrad ? sumTo(neg(div(mul(g, out), y)), y.shape) : null,
  ]);
}

/**
 * a ** b (broadcast). The gradient with respect to the exponent is g * a^b * log(a), defined
 * for a > 0 (NaN for negative bases, as in PyTorch).
 */
export function pow(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('pow', a);
  const y = floatOperand('pow', b);
  const out = binaryForward('pow', x, y, 'pow');
  return recordOp(out, 'pow', [x, y], (g) => [
    x.requiresGrad ? sumTo(mul(g, mul(y, pow(x, sub(y, 1)))), x.shape) : null,
    y.requiresGrad ? sumTo(mul(g, mul(out, log(x))), y.shape) : null,
  ]);
}

/** g where `select` > 0, else 0 (relu's derivative applied to `select`); shapes equal. */
function gradWhere(select: Tensor, g: Tensor): Tensor {
  const gradInput = Tensor.empty(g.shape);
  getBackend().unaryBackward({
    op: 'relu',
    length: g.size,
    input: select.data,
    output: select.data,
    gradOutput: g.data,
    gradInput: gradInput.data,
  });
  return gradInput;
}

/** Element-wise maximum (broadcast). Where a == b the gradient goes to b. */
export function maximum(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('maximum', a);
  const y = floatOperand('maximum', b);
  const out = binaryForward('maximum', x, y, 'maximum');
  return recordOp(out, 'maximum', [x, y], (g) => {
    const toA = gradWhere(expand(sub(x, y), g.shape), g);
    return [
      x.requiresGrad ? sumTo(toA, x.shape) : null,
      y.requiresGrad ? sumTo(sub(g, toA), y.shape) : null,
    ];
  });
}

/** Element-wise minimum (broadcast). Where a == b the gradient goes to b. */
export function minimum(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('minimum', a);
  const y = floatOperand('minimum', b);
  const out = binaryForward('minimum', x, y, 'minimum');
  return recordOp(out, 'minimum', [x, y], (g) => {
    const toA = gradWhere(expand(sub(y, x), g.shape), g);
    return [
      x.requiresGrad ? sumTo(toA, x.shape) : null,
      y.requiresGrad ? sumTo(sub(g, toA), y.shape) : null,
    ];
  });
}

function unaryOp(op: UnaryOp, input: Tensor): Tensor {
  const x = checkFloat(op, input);
  const out = Tensor.empty(x.shape);
  getBackend().unary({ op, length: x.size, input: x.data, output: out.data });
  return recordOp(out, op, [x], (g) => {
    const gradInput = Tensor.empty(x.shape);
    getBackend().unaryBackward({
      op,
      length: x.size,
      input: x.data,
      output: out.data,
      gradOutput: g.data,
      gradInput: gradInput.data,
    });
    return [gradInput];
  });
}

export const neg = (x: Tensor): Tensor => unaryOp('neg', x);
export const exp = (x: Tensor): Tensor => unaryOp('exp', x);
export const log = (x: Tensor): Tensor => unaryOp('log', x);
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x);
/** |x|; gradient 0 at 0. */
export const abs = (x: Tensor): Tensor => unaryOp('abs', x);
export const square = (x: Tensor): Tensor => unaryOp('square', x);
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', x);
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', x);
/** max(x, 0); gradient 0 at 0. */
export const relu = (x: Tensor): Tensor => unaryOp('relu', x);
/** The paper's squashing function 1.7159 * tanh(2/3 * x), one fused kernel. */
export const scaledTanh = (x: Tensor): Tensor => unaryOp('scaledTanh', x);

/**
 * activation(x + bias) with `bias` [channels] added along `axis` (1 by default: NCHW conv
 * outputs and [batch, features] dense outputs), fused into one kernel each way.
 */
export function addBiasActivation(
  input: Tensor,
  bias: Tensor,
  activation: Activation = 'identity',
  axis = 1,
): Tensor {
  const x = checkFloat('addBiasActivation', input);
  const b = checkFloat('addBiasActivation', bias);
  const channelAxis = normalizeAxis('addBiasActivation', axis, x.rank);
  const channels = x.shape[channelAxis];
  if (b.rank !== 1 || b.shape[0] !== channels) {
    throw new ShapeError(
      'addBiasActivation',
      [x.shape, b.shape],
      `a bias of shape [${channels}] (the size of axis ${channelAxis})`,
    );
  }
  const outer = x.shape.slice(0, channelAxis).reduce((p, s) => p * s, 1);
  const inner = x.shape.slice(channelAxis + 1).reduce((p, s) => p * s, 1);
  const out = Tensor.empty(x.shape);
  getBackend().biasActivation({
    activation,
    outer,
    channels,
    inner,
    input: x.data,
    bias: b.data,
    output: out.data,
  });
  return recordOp(out, `addBiasActivation(${activation})`, [x, b], (g) => {
    const gradInput = Tensor.empty(x.shape);
    const gradBias = Tensor.empty([channels]);
    getBackend().biasActivationBackward({
      activation,
      outer,
      channels,
      inner,
      output: out.data,
      gradOutput: g.data,
      gradInput: gradInput.data,
      gradBias: gradBias.data,
    });
    return [gradInput, gradBias];
  });
}

/** Whether a and b have equal shapes and |a - b| <= atol + rtol * |b| everywhere (NaN equals NaN). */
export function allClose(
  a: Tensor<DType>,
  b: Tensor<DType>,
  options: { rtol?: number; atol?: number } = {},
): boolean {
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  if (a.shape.length !== b.shape.length || a.shape.some((s, d) => s !== b.shape[d])) return false;
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) && Number.isNaN(y[i])) continue;
    if (x[i] === y[i]) continue; // equal infinities
    if (!(Math.abs(x[i] - y[i]) <= atol + rtol * Math.abs(y[i]))) return false;
  }
  return true;
}
