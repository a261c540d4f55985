// Squared Euclidean distances between rows (LeNet-5's RBF output units, P98 eq. 7), computed
// directly from the differences: the expansion |x|^2 + |c|^2 - 2 x.c cancels catastrophically
// when x is near a centre. Forward, gradient and curvature rule side by side.
import { recordOp, withOwnTerm } from '../autograd.js';
import { getBackend } from '../backend/registry.js';
import { ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { checkFloat } from './checks.js';
import { add, mul, relu } from './elementwise.js';
import { sum } from './reduce.js';
import { reshape } from './shape.js';

/**
 * out[n, c] = sum_f (x[n, f] - centers[c, f])^2 for x [N, F] and centers [C, F]: [N, C].
 * Gradient 2 (x - c) g. Curvature: dy/dx = 2 (x - c) gives the Gauss-Newton term
 * sum_c 4 (x - c)^2 h; d2y/dx^2 = 2 the own term 2 sum_c g, clamped at 0 per sample (under
 * the paper's eq. 8 criterion it is the whole curvature); for the centres, per sample and
 * centre, 4 (x - c)^2 h + max(0, 2 g), summed over the samples.
 */
export function squaredDistance(inputTensor: Tensor, centersTensor: Tensor): Tensor {
  const x = checkFloat('squaredDistance', inputTensor);
  const centers = checkFloat('squaredDistance', centersTensor);
  if (x.rank !== 2 || centers.rank !== 2 || x.shape[1] !== centers.shape[1]) {
    throw new ShapeError(
      'squaredDistance',
      [x.shape, centers.shape],
      'inputs [N, F] and centres [C, F] with the same F',
    );
  }
  const [rows, features] = x.shape;
  const count = centers.shape[0];
  // differences[n, c, f] = x[n, f] - centers[c, f], kept for the backward passes.
  const differences = Tensor.empty([rows, count, features]);
  const backend = getBackend();
  backend.binary({
    op: 'sub',
    shape: differences.shape,
    a: x.kernelData,
    aStrides: [features, 0, 1],
    b: centers.kernelData,
    bStrides: [0, features, 1],
    output: differences.kernelData,
  });
  const squares = Tensor.empty(differences.shape);
  backend.unary({
    op: 'square',
    length: squares.size,
    input: differences.kernelData,
    output: squares.kernelData,
  });
  const out = Tensor.empty([rows, count]);
  backend.reduce({
    op: 'sum',
    outer: rows * count,
    axis: features,
    inner: 1,
    input: squares.kernelData,
    output: out.kernelData,
  });
  /** [N, C] values against the [N, C, F] differences' layout. */
  const perPair = (value: Tensor) => reshape(value, [rows, count, 1]);
  return recordOp(
    out,
    'squaredDistance',
    [x, centers],
    (g) => {
      const weighted = mul(differences, perPair(g));
      return [
        x.requiresGrad ? mul(sum(weighted, 1), 2) : null,
        centers.requiresGrad ? mul(sum(weighted, 0), -2) : null,
      ];
    },
    withOwnTerm((h, g) => {
      const gaussNewtonTerms = mul(squares, perPair(mul(h, 4)));
      const ownTerms = mul(g, 2);
      return [
        x.requiresGrad ? add(sum(gaussNewtonTerms, 1), relu(sum(ownTerms, 1, true))) : null,
        centers.requiresGrad
          ? add(sum(gaussNewtonTerms, 0), reshape(sum(relu(ownTerms), 0), [count, 1]))
          : null,
      ];
    }),
  );
}
