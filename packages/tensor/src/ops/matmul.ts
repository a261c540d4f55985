// Matrix products: 2-D and batched (leading axes broadcast), on the backend's GEMM.
import { gaussNewton, recordOp } from '../autograd.js';
import { getBackend } from '../backend/registry.js';
import { ShapeError } from '../errors.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, shapeSize } from '../shape-utils.js';
import { Tensor } from '../tensor.js';
import { checkFloat } from './checks.js';
import { square } from './elementwise.js';
import { sumTo } from './reduce.js';
import { reshape } from './shape.js';

/**
 * op(a) @ op(b) over broadcast leading axes, where op transposes the last two axes when asked.
 * No autograd: the building block of matmul's forward and backward.
 */
function batchedProduct(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const [aRows, aColumns] = a.shape.slice(-2);
  const [bRows, bColumns] = b.shape.slice(-2);
  const m = transA ? aColumns : aRows;
  const k = transA ? aRows : aColumns;
  const n = transB ? bRows : bColumns;
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batchShape = broadcastShapes('matmul', aBatch, bBatch);
  const batch = shapeSize(batchShape);
  const out = Tensor.empty([...batchShape, m, n]);
  const aMatrix = aRows * aColumns;
  const bMatrix = bRows * bColumns;
  const common = {
    m,
    n,
    k,
    transA,
    transB,
    alpha: 1,
    beta: 0,
    lda: aColumns,
    ldb: bColumns,
    ldc: n,
  };
  const aSize = shapeSize(aBatch);
  const bSize = shapeSize(bBatch);
  const backend = getBackend();
  if ((aSize === batch || aSize === 1) && (bSize === batch || bSize === 1)) {
    // Each operand is either one matrix for all or one per batch entry: a single call.
    backend.gemm({
      ...common,
      batch,
      a: a.kernelData,
      aOffset: 0,
      aBatchStride: aSize === 1 ? 0 : aMatrix,
      b: b.kernelData,
      bOffset: 0,
      bBatchStride: bSize === 1 ? 0 : bMatrix,
      c: out.kernelData,
      cOffset: 0,
      cBatchStride: m * n,
    });
    return out;
  }
  // Irregular broadcast (e.g. [2, 1] with [1, 3] leading axes): one call per batch entry.
  const aStrides = broadcastStrides(aBatch, batchShape);
  const bStrides = broadcastStrides(bBatch, batchShape);
  const outStrides = contiguousStrides(batchShape);
  for (let t = 0; t < batch; t++) {
    let aIndex = 0;
    let bIndex = 0;
    let rest = t;
    for (let d = 0; d < batchShape.length; d++) {
      const position = Math.floor(rest / outStrides[d]);
      rest -= position * outStrides[d];
      aIndex += position * aStrides[d];
      bIndex += position * bStrides[d];
    }
    backend.gemm({
      ...common,
      batch: 1,
      a: a.kernelData,
      aOffset: aIndex * aMatrix,
      aBatchStride: 0,
      b: b.kernelData,
      bOffset: bIndex * bMatrix,
      bBatchStride: 0,
      c: out.kernelData,
      cOffset: t * m * n,
      cBatchStride: 0,
    });
  }
  return out;
}

/**
 * Matrix product: [m, k] @ [k, n] -> [m, n], or batched [..., m, k] @ [..., k, n] with the
 * leading axes broadcast (NumPy matmul for rank >= 2). Curvature: the gradient products with
 * squared operands, h_a = h @ (b^2)^T, h_b = (a^2)^T @ h.
 */
export function matmul(left: Tensor, right: Tensor): Tensor {
  const a = checkFloat('matmul', left);
  const b = checkFloat('matmul', right);
  if (a.rank < 2 || b.rank < 2) {
    throw new ShapeError(
      'matmul',
      [a.shape, b.shape],
      'tensors of rank >= 2: [m, k] @ [k, n] or [..., m, k] @ [..., k, n]',
    );
  }
  const k = a.shape[a.rank - 1];
  if (b.shape[b.rank - 2] !== k) {
    throw new ShapeError(
      'matmul',
      [a.shape, b.shape],
      `the second operand's second-to-last axis to equal the first's last axis (${k})`,
    );
  }
  if (a.rank > 2 && b.rank === 2) {
    // A batch times one matrix is one large 2-D product (and so is its gradient).
    const m = a.shape[a.rank - 2];
    const flat = matmul(reshape(a, [-1, k]), b);
    return reshape(flat, [...a.shape.slice(0, -2), m, b.shape[1]]);
  }
  const out = batchedProduct(a, b, false, false);
  return recordOp(
    out,
    'matmul',
    [a, b],
    (g) => [
      a.requiresGrad ? sumTo(batchedProduct(g, b, false, true), a.shape) : null,
      b.requiresGrad ? sumTo(batchedProduct(a, g, true, false), b.shape) : null,
    ],
    gaussNewton((h) => [
      a.requiresGrad ? sumTo(batchedProduct(h, square(b), false, true), a.shape) : null,
      b.requiresGrad ? sumTo(batchedProduct(square(a), h, true, false), b.shape) : null,
    ]),
  );
}
