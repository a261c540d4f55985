// Element-wise ops with NumPy broadcasting: forward, gradient and curvature rule (see
// src/autograd.ts) side by side. Gradients and curvatures of broadcast operands are summed
// back to the operand's shape (`sumTo`): a broadcast operand is a shared connection.
import { gaussNewton, recordOp, withOwnTerm } from '../autograd.js';
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
    a: a.kernelData,
    aStrides: broadcastStrides(a.shape, shape),
    b: b.kernelData,
    bStrides: broadcastStrides(b.shape, shape),
    output: output.kernelData,
  });
  return output;
}

/**
 * The curvature of an operand from the per-element squared Jacobian `squaredDerivative` and,
 * when given, the per-element own term d2y/dx^2 * g: summed to the operand's shape (shared
 * connections add up), the own term clamped at 0 after the sum.
 */
function operandCurvature(
  operand: Tensor,
  h: Tensor,
  squaredDerivative: Tensor | null,
  ownTerm: Tensor | null = null,
): Tensor | null {
  if (!operand.requiresGrad) return null;
  const gaussNewtonTerm = sumTo(squaredDerivative ? mul(h, squaredDerivative) : h, operand.shape);
  return ownTerm ? add(gaussNewtonTerm, relu(sumTo(ownTerm, operand.shape))) : gaussNewtonTerm;
}

/** a + b (broadcast). Linear: h passes to both operands. */
export function add(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('add', a);
  const y = floatOperand('add', b);
  const out = binaryForward('add', x, y, 'add');
  return recordOp(
    out,
    'add',
    [x, y],
    (g) => [x.requiresGrad ? sumTo(g, x.shape) : null, y.requiresGrad ? sumTo(g, y.shape) : null],
    gaussNewton((h) => [operandCurvature(x, h, null), operandCurvature(y, h, null)]),
  );
}

/** a - b (broadcast). Linear: h passes to both operands ((-1)^2 = 1). */
export function sub(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('sub', a);
  const y = floatOperand('sub', b);
  const out = binaryForward('sub', x, y, 'sub');
  return recordOp(
    out,
    'sub',
    [x, y],
    (g) => [
      x.requiresGrad ? sumTo(g, x.shape) : null,
      y.requiresGrad ? sumTo(neg(g), y.shape) : null,
    ],
    gaussNewton((h) => [operandCurvature(x, h, null), operandCurvature(y, h, null)]),
  );
}

/**
 * a * b (broadcast). Curvature by the product rule on the diagonal: h_a = b^2 h (d2y/da^2 = 0;
 * mul(x, x) therefore misses the 2g of x^2: use `square`).
 */
export function mul(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('mul', a);
  const y = floatOperand('mul', b);
  const out = binaryForward('mul', x, y, 'mul');
  return recordOp(
    out,
    'mul',
    [x, y],
    (g) => [
      x.requiresGrad ? sumTo(mul(g, y), x.shape) : null,
      y.requiresGrad ? sumTo(mul(g, x), y.shape) : null,
    ],
    gaussNewton((h) => [
      operandCurvature(x, h, x.requiresGrad ? square(y) : null),
      operandCurvature(y, h, y.requiresGrad ? square(x) : null),
    ]),
  );
}

/** a / b (broadcast). The divisor has an own term: d2(a/b)/db^2 = 2a / b^3 = 2 out / b^2. */
export function div(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('div', a);
  const y = floatOperand('div', b);
  const out = binaryForward('div', x, y, 'div');
  const curvature = (h: Tensor, g: Tensor | null) => [
    operandCurvature(x, h, x.requiresGrad ? square(reciprocal(y)) : null),
    y.requiresGrad && g
      ? operandCurvature(y, h, square(div(out, y)), div(mul(mul(g, out), 2), square(y)))
      : null,
  ];
  return recordOp(
    out,
    'div',
    [x, y],
    (g) => [
      x.requiresGrad ? sumTo(div(g, y), x.shape) : null,
      // d(x/y)/dy = -x / y^2 = -out / y
      y.requiresGrad ? sumTo(neg(div(mul(g, out), y)), y.shape) : null,
    ],
    y.requiresGrad ? withOwnTerm(curvature) : gaussNewton((h) => curvature(h, null)),
  );
}

function reciprocal(x: Tensor): Tensor {
  return div(1, x);
}

/**
 * a ** b (broadcast). The gradient with respect to the exponent is g * a^b * log(a), defined
 * for a > 0 (NaN for negative bases, as in PyTorch). Both operands have own terms:
 * d2/da^2 = b (b - 1) a^(b-2), d2/db^2 = a^b log(a)^2.
 */
export function pow(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('pow', a);
  const y = floatOperand('pow', b);
  const out = binaryForward('pow', x, y, 'pow');
  return recordOp(
    out,
    'pow',
    [x, y],
    (g) => [
      x.requiresGrad ? sumTo(mul(g, mul(y, pow(x, sub(y, 1)))), x.shape) : null,
      y.requiresGrad ? sumTo(mul(g, mul(out, log(x))), y.shape) : null,
    ],
    withOwnTerm((h, g) => {
      let baseCurvature: Tensor | null = null;
      if (x.requiresGrad) {
        const derivative = mul(y, pow(x, sub(y, 1)));
        const second = mul(mul(y, sub(y, 1)), pow(x, sub(y, 2)));
        baseCurvature = operandCurvature(x, h, square(derivative), mul(g, second));
      }
      let exponentCurvature: Tensor | null = null;
      if (y.requiresGrad) {
        const derivative = mul(out, log(x));
        exponentCurvature = operandCurvature(
          y,
          h,
          square(derivative),
          mul(g, mul(derivative, log(x))),
        );
      }
      return [baseCurvature, exponentCurvature];
    }),
  );
}

/** g where `select` > 0, else 0 (relu's derivative applied to `select`); shapes equal. */
function gradWhere(select: Tensor, g: Tensor): Tensor {
  const gradInput = Tensor.empty(g.shape);
  getBackend().unaryBackward({
    op: 'relu',
    length: g.size,
    input: select.kernelData,
    output: select.kernelData,
    gradOutput: g.kernelData,
    gradInput: gradInput.kernelData,
  });
  return gradInput;
}

/**
 * Routes `value` (a gradient or a curvature: the Jacobian entries are 0 or 1) to a where
 * `select` > 0 and to b elsewhere, each summed to its operand's shape.
 */
function routeBetween(x: Tensor, y: Tensor, select: Tensor, value: Tensor): (Tensor | null)[] {
  const toA = gradWhere(expand(select, value.shape), value);
  return [
    x.requiresGrad ? sumTo(toA, x.shape) : null,
    y.requiresGrad ? sumTo(sub(value, toA), y.shape) : null,
  ];
}

/** Element-wise maximum (broadcast). Where a == b the gradient goes to b. */
export function maximum(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('maximum', a);
  const y = floatOperand('maximum', b);
  const out = binaryForward('maximum', x, y, 'maximum');
  return recordOp(
    out,
    'maximum',
    [x, y],
    (g) => routeBetween(x, y, sub(x, y), g),
    gaussNewton((h) => routeBetween(x, y, sub(x, y), h)),
  );
}

/** Element-wise minimum (broadcast). Where a == b the gradient goes to b. */
export function minimum(a: Tensor | number, b: Tensor | number): Tensor {
  const x = floatOperand('minimum', a);
  const y = floatOperand('minimum', b);
  const out = binaryForward('minimum', x, y, 'minimum');
  return recordOp(
    out,
    'minimum',
    [x, y],
    (g) => routeBetween(x, y, sub(y, x), g),
    gaussNewton((h) => routeBetween(x, y, sub(y, x), h)),
  );
}

/** gradOutput * op'(x), from the forward input and output. */
function unaryDerivativeTimes(op: UnaryOp, x: Tensor, out: Tensor, gradOutput: Tensor): Tensor {
  const gradInput = Tensor.empty(x.shape);
  getBackend().unaryBackward({
    op,
    length: x.size,
    input: x.kernelData,
    output: out.kernelData,
    gradOutput: gradOutput.kernelData,
    gradInput: gradInput.kernelData,
  });
  return gradInput;
}

/**
 * The own term d2y/dx^2 * g of the unary functions that have one (null for the linear neg,
 * the piecewise-linear abs and relu, and the squashing activations, whose own term eq. 27
 * drops): exp'' = exp, log'' = -1/x^2, sqrt'' = -1/(4 y^3), square'' = 2.
 */
function unaryOwnTerm(op: UnaryOp, x: Tensor, out: Tensor, g: Tensor): Tensor | null {
  switch (op) {
    case 'exp':
      return mul(g, out);
    case 'log':
      return neg(div(g, square(x)));
    case 'sqrt':
      return neg(div(g, mul(pow(out, 3), 4)));
    case 'square':
      return mul(g, 2);
    default:
      return null;
  }
}

const UNARY_WITH_OWN_TERM: ReadonlySet<UnaryOp> = new Set(['exp', 'log', 'sqrt', 'square']);

function unaryOp(op: UnaryOp, input: Tensor): Tensor {
  const x = checkFloat(op, input);
  const out = Tensor.empty(x.shape);
  getBackend().unary({ op, length: x.size, input: x.kernelData, output: out.kernelData });
  // Gauss-Newton term f'(x)^2 h: the derivative kernel applied twice.
  const gaussNewtonTerm = (h: Tensor) =>
    unaryDerivativeTimes(op, x, out, unaryDerivativeTimes(op, x, out, h));
  return recordOp(
    out,
    op,
    [x],
    (g) => [unaryDerivativeTimes(op, x, out, g)],
    UNARY_WITH_OWN_TERM.has(op)
      ? withOwnTerm((h, g) => [add(gaussNewtonTerm(h), relu(unaryOwnTerm(op, x, out, g)!))])
      : gaussNewton((h) => [gaussNewtonTerm(h)]),
  );
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
/** max(x, 0); gradient 0 at 0. Also the clamp max(0, own term) of every curvature rule. */
export const relu = (x: Tensor): Tensor => unaryOp('relu', x);
/** The paper's squashing function 1.7159 * tanh(2/3 * x), one fused kernel. */
export const scaledTanh = (x: Tensor): Tensor => unaryOp('scaledTanh', x);

/**
 * activation(x + bias) with `bias` [channels] added along `axis` (1 by default: NCHW conv
 * outputs and [batch, features] dense outputs), fused into one kernel each way. Curvature:
 * f'(a)^2 h for the input (eq. 27, the activation's own term dropped) and its per-channel sum
 * for the bias (x_j = 1).
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
    input: x.kernelData,
    bias: b.kernelData,
    output: out.kernelData,
  });
  // gradInput = gradOutput * f'(a), gradBias = its per-channel sum (overwritten).
  const derivativeTimes = (gradOutput: Tensor, gradInput: Tensor, gradBias: Tensor) =>
    getBackend().biasActivationBackward({
      activation,
      outer,
      channels,
      inner,
      output: out.kernelData,
      gradOutput: gradOutput.kernelData,
      gradInput: gradInput.kernelData,
      gradBias: gradBias.kernelData,
    });
  return recordOp(
    out,
    `addBiasActivation(${activation})`,
    [x, b],
    (g) => {
      const gradInput = Tensor.empty(x.shape);
      const gradBias = Tensor.empty([channels]);
      derivativeTimes(g, gradInput, gradBias);
      return [gradInput, gradBias];
    },
    gaussNewton((h) => {
      const inputCurvature = Tensor.empty(x.shape);
      const biasCurvature = Tensor.empty([channels]);
      // Twice through f': h f'^2, and on the second pass the bias's per-channel sum of it.
      if (activation !== 'identity') derivativeTimes(h, inputCurvature, biasCurvature);
      derivativeTimes(
        activation === 'identity' ? h : inputCurvature,
        inputCurvature,
        biasCurvature,
      );
      return [x.requiresGrad ? inputCurvature : null, b.requiresGrad ? biasCurvature : null];
    }),
  );
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
