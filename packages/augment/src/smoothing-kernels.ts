/**
 * The two kernels of separable Gaussian smoothing, in plain TypeScript: the specification of
 * assembly/index.ts (WebAssembly SIMD), which computes the same f64 operations in the same
 * order, so both give bit-identical results. Offsets index `heap` (a Float64Array).
 *
 * Along an axis of length n, zero-padded smoothing is a matrix K with K[i][j] = w[j - i]. K is
 * centrosymmetric (K[n-1-i][n-1-j] = K[i][j]), so splitting the input into mirrored sums
 * u[j] + u[n-1-j] and differences u[j] - u[n-1-j] turns K (n x n) into a symmetric part
 * (n/2 x n/2, plus the middle for odd n) and an antisymmetric part (n/2 x n/2): half the
 * multiply-adds of the direct product.
 */

/**
 * output = K * input along the first axis (rows x cols, row-major; output may be input),
 * K given by its symmetric and antisymmetric parts; sums, differences, p and q are scratch.
 */
export function columnPass(
  heap: Float64Array,
  input: number,
  output: number,
  rows: number,
  cols: number,
  symmetric: number,
  antisymmetric: number,
  sums: number,
  differences: number,
  p: number,
  q: number,
): void {
  const pairs = rows >> 1;
  const symmetricSize = pairs + (rows & 1);
  for (let j = 0; j < pairs; j++) {
    const near = j * cols;
    const far = (rows - 1 - j) * cols;
    for (let x = 0; x < cols; x++) {
      const a = heap[input + near + x];
      const b = heap[input + far + x];
      heap[sums + near + x] = a + b;
      heap[differences + near + x] = a - b;
    }
  }
  if (symmetricSize > pairs) {
    heap.copyWithin(sums + pairs * cols, input + pairs * cols, input + (pairs + 1) * cols);
  }
  for (let i = 0; i < symmetricSize; i++) {
    heap.fill(0, p, p + cols);
    for (let j = 0; j < symmetricSize; j++) {
      const weight = heap[symmetric + i * symmetricSize + j];
      if (weight !== 0) addScaledRow(heap, p, sums + j * cols, weight, cols);
    }
    const near = output + i * cols;
    if (i >= pairs) {
      heap.copyWithin(near, p, p + cols);
      continue;
    }
    heap.fill(0, q, q + cols);
    for (let j = 0; j < pairs; j++) {
      const weight = heap[antisymmetric + i * pairs + j];
      if (weight !== 0) addScaledRow(heap, q, differences + j * cols, weight, cols);
    }
    const far = output + (rows - 1 - i) * cols;
    for (let x = 0; x < cols; x++) {
      const symmetricPart = heap[p + x];
      const antisymmetricPart = heap[q + x];
      heap[near + x] = symmetricPart + antisymmetricPart;
      heap[far + x] = symmetricPart - antisymmetricPart;
    }
  }
}

function addScaledRow(
  heap: Float64Array,
  row: number,
  source: number,
  weight: number,
  length: number,
): void {
  for (let x = 0; x < length; x++) heap[row + x] += weight * heap[source + x];
}

/**
 * `count` fields of rows x width stored side by side (input: rows x count*width) become
 * `count` transposed fields side by side (output: width x count*rows), times `scale`.
 */
export function transposeFields(
  heap: Float64Array,
  input: number,
  output: number,
  rows: number,
  width: number,
  count: number,
  scale: number,
): void {
  const inputStride = count * width;
  const outputStride = count * rows;
  for (let field = 0; field < count; field++) {
    for (let y = 0; y < rows; y++) {
      const source = input + y * inputStride + field * width;
      const target = output + field * rows + y;
      for (let x = 0; x < width; x++) heap[target + x * outputStride] = scale * heap[source + x];
    }
  }
}
