/**
 * Losses. Each returns the mean over the batch by default (`reduction: 'sum'` for the sum);
 * per sample:
 * - `crossEntropy(logits, labels)`: -log softmax(logits)[label] (stable log-softmax),
 * - `nllLoss(logProbabilities, labels)`: -logProbabilities[label],
 * - `mse(prediction, target)`: sum over features of (prediction - target)^2 (the per-pattern
 *   squared error, like the paper's criteria; divide by the feature count for PyTorch's
 *   element-wise mean),
 * - `rbfMseLoss(penalties, labels)`: the paper's eq. 8, the correct class's RBF penalty,
 * - `rbfMapLoss(penalties, labels, { j })`: the paper's eq. 9 (MAP / discriminative),
 *   y_label + log(e^-j + sum_i e^-y_i).
 *
 * Each is a composition of tensor ops, so `loss.backwardCurvature()` (the Gauss-Newton pass of
 * `diag-hessian.ts`) gets its second derivatives from the ops' rules: the exact diagonal for
 * all of these losses.
 */
import {
  add,
  concat,
  full,
  gather,
  isReadable,
  logSoftmax,
  logSumExp,
  mean,
  neg,
  noGrad,
  reshape,
  square,
  sub,
  sum,
  type Tensor,
  unsqueeze,
} from '@lenet/tensor';

export type Reduction = 'mean' | 'sum';

export interface LossOptions {
  reduction?: Reduction;
}

/**
 * Default j of the MAP criterion. The paper gives no value. 0.1 is the value used by the
 * public re-implementations we found, and it is conservative: while every penalty is far above
 * j the criterion behaves like eq. 8 (only the correct class is pulled down), and a wrong class
 * is pushed up only once its penalty comes within a few units of j, which bounds the push on
 * penalties that are already large as the paper intends. Distinct codes differ in >= 16 of 84
 * positions, so a wrong class sits at >= 64 when F6 reproduces the right code.
 */
export const DEFAULT_RBF_MAP_J = 0.1;

export type LossName = 'cross-entropy' | 'nll' | 'mse' | 'rbf-mse' | 'rbf-map';
export const LOSS_NAMES: readonly LossName[] = [
  'cross-entropy',
  'nll',
  'mse',
  'rbf-mse',
  'rbf-map',
];

/** A loss by name, with the MAP constant when it matters. */
export type LossSpec = LossName | { readonly name: LossName; readonly j?: number };

function reduce(perSample: Tensor, options: LossOptions | undefined, op: string): Tensor {
  const reduction = options?.reduction ?? 'mean';
  if (reduction === 'mean') return mean(perSample);
  if (reduction === 'sum') return sum(perSample);
  throw new RangeError(
    `${op}: reduction must be 'mean' or 'sum', got ${JSON.stringify(reduction)}`,
  );
}

function checkLabels(op: string, input: Tensor, labels: Tensor<'int32'>): void {
  if (input.rank !== 2) {
    throw new RangeError(
      `${op}: got input of shape [${input.shape.join(', ')}]; expected [batch, classes]`,
    );
  }
  if (labels.dtype !== 'int32' || labels.rank !== 1 || labels.shape[0] !== input.shape[0]) {
    throw new RangeError(
      `${op}: labels must be int32 of shape [${input.shape[0]}], got ${labels.dtype} [${labels.shape.join(', ')}]`,
    );
  }
  const classes = input.shape[1];
  // Labels that live on a GPU (inside a compiled step on webgpu) are not read back just to
  // check them; the host checked them where it wrote them.
  if (!isReadable(labels)) return;
  for (const label of labels.data) {
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new RangeError(`${op}: label ${label} is outside [0, ${classes})`);
    }
  }
}

/** input[n, labels[n]] as a [batch] tensor. */
function pick(input: Tensor, labels: Tensor<'int32'>): Tensor {
  return reshape(gather(input, 1, unsqueeze(labels, 1)), [input.shape[0]]);
}

export function nllLoss(
  logProbabilities: Tensor,
  labels: Tensor<'int32'>,
  options?: LossOptions,
): Tensor {
  checkLabels('nllLoss', logProbabilities, labels);
  return reduce(neg(pick(logProbabilities, labels)), options, 'nllLoss');
}

export function crossEntropy(
  logits: Tensor,
  labels: Tensor<'int32'>,
  options?: LossOptions,
): Tensor {
  checkLabels('crossEntropy', logits, labels);
  return reduce(neg(pick(logSoftmax(logits, -1), labels)), options, 'crossEntropy');
}

export function mse(prediction: Tensor, target: Tensor, options?: LossOptions): Tensor {
  if (
    prediction.shape.length !== target.shape.length ||
    prediction.shape.some((d, i) => d !== target.shape[i])
  ) {
    throw new RangeError(
      `mse: prediction [${prediction.shape.join(', ')}] and target [${target.shape.join(', ')}] must have the same shape`,
    );
  }
  const batch = prediction.shape[0] ?? 1;
  const squares = square(sub(prediction, target));
  const perSample = sum(reshape(squares, [batch, prediction.size / Math.max(batch, 1)]), 1);
  return reduce(perSample, options, 'mse');
}

/** The paper's eq. 8: the correct class's penalty, averaged over the batch. */
export function rbfMseLoss(
  penalties: Tensor,
  labels: Tensor<'int32'>,
  options?: LossOptions,
): Tensor {
  checkLabels('rbfMseLoss', penalties, labels);
  return reduce(pick(penalties, labels), options, 'rbfMseLoss');
}

/**
 * The paper's eq. 9: y_label + log(e^-j + sum_i e^-y_i), the log term a stable log-sum-exp
 * over the augmented row [-j, -y_0, ..., -y_9].
 */
export function rbfMapLoss(
  penalties: Tensor,
  labels: Tensor<'int32'>,
  options: LossOptions & { j?: number } = {},
): Tensor {
  checkLabels('rbfMapLoss', penalties, labels);
  const j = options.j ?? DEFAULT_RBF_MAP_J;
  if (!Number.isFinite(j)) throw new RangeError(`rbfMapLoss: j must be finite, got ${j}`);
  const rubbish = full([penalties.shape[0], 1], -j);
  const logTerm = logSumExp(concat([rubbish, neg(penalties)], 1), 1);
  return reduce(add(pick(penalties, labels), logTerm), options, 'rbfMapLoss');
}

function specName(spec: LossSpec): LossName {
  const name = typeof spec === 'string' ? spec : spec?.name;
  if (!LOSS_NAMES.includes(name)) {
    throw new RangeError(
      `unknown loss ${JSON.stringify(name)}; expected one of ${LOSS_NAMES.join(', ')}`,
    );
  }
  return name;
}

/** The loss named by `spec` on a model output (labels int32, or a float target for 'mse'). */
export function computeLoss(
  spec: LossSpec,
  output: Tensor,
  labels: Tensor<'int32'> | Tensor,
  options?: LossOptions,
): Tensor {
  const name = specName(spec);
  const int32Labels = labels as Tensor<'int32'>;
  switch (name) {
    case 'cross-entropy':
      return crossEntropy(output, int32Labels, options);
    case 'nll':
      return nllLoss(output, int32Labels, options);
    case 'mse':
      return mse(output, labels as Tensor, options);
    case 'rbf-mse':
      return rbfMseLoss(output, int32Labels, options);
    case 'rbf-map':
      return rbfMapLoss(output, int32Labels, {
        ...options,
        j: typeof spec === 'object' ? spec.j : undefined,
      });
  }
}

/** Evaluates a loss without recording autograd (for metrics). */
export function lossValue(
  spec: LossSpec,
  output: Tensor,
  labels: Tensor<'int32'> | Tensor,
): number {
  return noGrad(() => computeLoss(spec, output, labels)).item();
}
