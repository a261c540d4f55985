// Dense layer product x W^T (+ b) as one GEMM that reads the weight transposed in place, so a
// layer stored PyTorch-style as [out, in] needs no transposed copy per step, forward or back.
import { gaussNewton, recordOp } from '../autograd.js';
import { getBackend } from '../backend/registry.js';
import { ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { checkFloat } from './checks.js';
import { square } from './elementwise.js';

function gemmArgs(m: number, n: number, k: number) {
  return {
    batch: 1,
    m,
    n,
    k,
    alpha: 1,
    beta: 0,
    aOffset: 0,
    bOffset: 0,
    cOffset: 0,
    aBatchStride: 0,
    bBatchStride: 0,
    cBatchStride: 0,
  };
}

/**
 * input [..., in] times weight [out, in] transposed, plus bias [out] if given:
 * output [..., out] = input @ weight^T + bias (PyTorch's F.linear). Curvature: the gradient
 * products with squared operands, h_x = h @ W^2, h_W = h^T @ x^2, h_b = sum of h over rows.
 */
export function linear(
  inputTensor: Tensor,
  weightTensor: Tensor,
  biasTensor: Tensor | null = null,
): Tensor {
  const input = checkFloat('linear', inputTensor);
  const weight = checkFloat('linear', weightTensor);
  const bias = biasTensor ? checkFloat('linear', biasTensor) : null;
  const inFeatures = input.shape[input.rank - 1];
  if (input.rank < 1 || weight.rank !== 2 || weight.shape[1] !== inFeatures) {
    throw new ShapeError(
      'linear',
      [input.shape, weight.shape],
      'input [..., in] and weight [out, in]',
    );
  }
  const outFeatures = weight.shape[0];
  if (bias && (bias.rank !== 1 || bias.shape[0] !== outFeatures)) {
    throw new ShapeError(
      'linear',
      [input.shape, weight.shape, bias.shape],
      `a bias of shape [${outFeatures}]`,
    );
  }
  const rows = input.size / Math.max(inFeatures, 1);
  const out = Tensor.empty([...input.shape.slice(0, -1), outFeatures]);
  const backend = getBackend();
  backend.gemm({
    ...gemmArgs(rows, outFeatures, inFeatures),
    transA: false,
    transB: true,
    a: input.kernelData,
    lda: inFeatures,
    b: weight.kernelData,
    ldb: inFeatures,
    c: out.kernelData,
    ldc: outFeatures,
  });
  if (bias) {
    backend.biasActivation({
      activation: 'identity',
      outer: rows,
      channels: outFeatures,
      inner: 1,
      input: out.kernelData,
      bias: bias.kernelData,
      output: out.kernelData,
    });
  }
  const inputs = bias ? [input, weight, bias] : [input, weight];
  // The backward products with the given operands: gradients (x, W) or curvatures (x^2, W^2).
  const backwardWith = (g: Tensor, x: () => Tensor, w: () => Tensor) => {
    let gradInput: Tensor | null = null;
    let gradWeight: Tensor | null = null;
    let gradBias: Tensor | null = null;
    if (input.requiresGrad) {
      // [rows, in] = g [rows, out] @ W [out, in]
      const weightOperand = w();
      gradInput = Tensor.empty(input.shape);
      getBackend().gemm({
        ...gemmArgs(rows, inFeatures, outFeatures),
        transA: false,
        transB: false,
        a: g.kernelData,
        lda: outFeatures,
        b: weightOperand.kernelData,
        ldb: inFeatures,
        c: gradInput.kernelData,
        ldc: inFeatures,
      });
    }
    if (weight.requiresGrad) {
      // [out, in] = g^T [out, rows] @ x [rows, in]
      const inputOperand = x();
      gradWeight = Tensor.empty(weight.shape);
      getBackend().gemm({
        ...gemmArgs(outFeatures, inFeatures, rows),
        transA: true,
        transB: false,
        a: g.kernelData,
        lda: outFeatures,
        b: inputOperand.kernelData,
        ldb: inFeatures,
        c: gradWeight.kernelData,
        ldc: inFeatures,
      });
    }
    if (bias?.requiresGrad) {
      gradBias = Tensor.empty([outFeatures]);
      getBackend().reduce({
        op: 'sum',
        outer: 1,
        axis: rows,
        inner: outFeatures,
        input: g.kernelData,
        output: gradBias.kernelData,
      });
    }
    return [gradInput, gradWeight, gradBias];
  };
  return recordOp(
    out,
    'linear',
    inputs,
    (g) =>
      backwardWith(
        g,
        () => input,
        () => weight,
      ),
    gaussNewton((h) =>
      backwardWith(
        h,
        () => square(input),
        () => square(weight),
      ),
    ),
  );
}
