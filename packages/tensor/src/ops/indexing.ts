// Gather along an axis with int32 indices, and one-hot encoding of labels.
import { recordOp } from '../autograd.js';
import { getBackend } from '../backend/registry.js';
import { ShapeError } from '../errors.js';
import { normalizeAxis } from '../shape-utils.js';
import { type DType, Tensor } from '../tensor.js';
import { checkFloat, checkInt } from './checks.js';
import { copyInto } from './shape.js';

/**
 * out[..., j, ...] = x[..., indices[..., j, ...], ...] along `axis` (PyTorch `gather`):
 * `indices` is int32 with x's shape except on `axis`. `gather(logProbs, 1, unsqueeze(labels, 1))`
 * picks each sample's log-probability of its label. Throws RangeError on a bad index.
 */
export function gather(input: Tensor, axis: number, indicesTensor: Tensor<DType>): Tensor {
  const x = checkFloat('gather', input);
  const indices = checkInt('gather', indicesTensor);
  const d = normalizeAxis('gather', axis, x.rank);
  if (indices.rank !== x.rank || indices.shape.some((s, i) => i !== d && s !== x.shape[i])) {
    throw new ShapeError(
      'gather',
      [x.shape, indices.shape],
      `indices of the input's shape except on axis ${d}`,
    );
  }
  const outer = x.shape.slice(0, d).reduce((p, s) => p * s, 1);
  const inner = x.shape.slice(d + 1).reduce((p, s) => p * s, 1);
  const count = indices.shape[d];
  const length = x.shape[d];
  const out = Tensor.empty(indices.shape);
  getBackend().gather({
    outer,
    axis: length,
    count,
    inner,
    input: x.data,
    indices: indices.data,
    output: out.data,
  });
  return recordOp(out, 'gather', [x], (g) => {
    // scatterAdd accumulates: start from zeros copied by a kernel, so a compiled replay (which
    // reuses this buffer) starts from zeros too.
    const gradInput = Tensor.empty(x.shape);
    copyInto(gradInput, Tensor.empty(x.shape));
    getBackend().scatterAdd({
      outer,
      axis: length,
      count,
      inner,
      source: g.data,
      indices: indices.data,
      output: gradInput.data,
    });
    return [gradInput];
  });
}

/** Float32 one-hot rows: labels of any shape -> [...labels.shape, classes]. */
export function oneHot(labelsTensor: Tensor<DType>, classes: number): Tensor {
  const labels = checkInt('oneHot', labelsTensor);
  if (!Number.isInteger(classes) || classes < 1)
    throw new RangeError(`oneHot: classes must be a positive integer, got ${classes}`);
  const out = Tensor.empty([...labels.shape, classes]);
  const ones = new Float32Array(labels.size).fill(1);
  // scatterAdd accumulates: zero first with a kernel, so a compiled replay starts from zeros.
  copyInto(out, Tensor.empty(out.shape));
  getBackend().scatterAdd({
    outer: labels.size,
    axis: classes,
    count: 1,
    inner: 1,
    source: ones,
    indices: labels.data,
    output: out.data,
  });
  return recordOp(out, 'oneHot', [], () => []);
}
