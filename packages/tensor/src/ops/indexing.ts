// Gather along an axis with int32 indices, and one-hot encoding of labels.
import { gaussNewton, recordOp } from '../autograd.js';
import { getBackend } from '../backend/registry.js';
import { ShapeError } from '../errors.js';
import { filled } from '../kernel-calls.js';
import { normalizeAxis } from '../shape-utils.js';
import { type DType, Tensor } from '../tensor.js';
import { checkFloat, checkInt } from './checks.js';

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
    input: x.kernelData,
    indices: indices.kernelData,
    output: out.kernelData,
  });
  // Jacobian entries 0 or 1: gradient and curvature are both scattered back, adding where an
  // index repeats, into an explicitly zeroed buffer (scatterAdd accumulates).
  const scatterBack = (value: Tensor) => {
    const result = filled(x.shape, 0);
    getBackend().scatterAdd({
      outer,
      axis: length,
      count,
      inner,
      source: value.kernelData,
      indices: indices.kernelData,
      output: result.kernelData,
    });
    return [result];
  };
  return recordOp(out, 'gather', [x], scatterBack, gaussNewton(scatterBack));
}

/** Float32 one-hot rows: labels of any shape -> [...labels.shape, classes]. */
export function oneHot(labelsTensor: Tensor<DType>, classes: number): Tensor {
  const labels = checkInt('oneHot', labelsTensor);
  if (!Number.isInteger(classes) || classes < 1)
    throw new RangeError(`oneHot: classes must be a positive integer, got ${classes}`);
  const out = filled([...labels.shape, classes], 0);
  getBackend().scatterAdd({
    outer: labels.size,
    axis: classes,
    count: 1,
    inner: 1,
    source: filled([labels.size], 1).kernelData,
    indices: labels.kernelData,
    output: out.kernelData,
  });
  return recordOp(out, 'oneHot', [], () => []);
}
