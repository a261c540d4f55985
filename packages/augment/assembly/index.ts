// The two kernels of separable Gaussian smoothing (see src/smoothing-kernels.ts, the plain
// TypeScript twin that is the specification): f64 arithmetic in exactly the same order, two
// lanes at a time across independent outputs, so both give bit-identical fields.
// Pointers are byte offsets into this module's memory, laid out by src/smoothing-workspace.ts.

// @ts-ignore: decorator
@inline function f64At(base: usize, index: i32): usize {
  return base + ((<usize>index) << 3);
}

/** row[x] += weight * source[x] for x < length, two lanes at a time. */
// @ts-ignore: decorator
@inline function addScaledRow(row: usize, source: usize, weight: f64, length: i32): void {
  const weights = f64x2.splat(weight);
  const vectorEnd = length & ~1;
  let x = 0;
  for (; x < vectorEnd; x += 2) {
    const offset = (<usize>x) << 3;
    const product = f64x2.mul(weights, v128.load(source + offset));
    v128.store(row + offset, f64x2.add(v128.load(row + offset), product));
  }
  for (; x < length; x++) {
    const offset = (<usize>x) << 3;
    store<f64>(row + offset, load<f64>(row + offset) + weight * load<f64>(source + offset));
  }
}

/**
 * output = K * input along the first axis (rows x cols, row-major), K given by its
 * symmetric (symmetricSize^2) and antisymmetric (pairs^2) parts; scratch: sums and
 * differences (symmetricSize rows each), and two rows p and q.
 */
export function columnPass(
  input: usize,
  output: usize,
  rows: i32,
  cols: i32,
  symmetric: usize,
  antisymmetric: usize,
  sums: usize,
  differences: usize,
  p: usize,
  q: usize,
): void {
  const pairs = rows >> 1;
  const symmetricSize = pairs + (rows & 1);
  const rowBytes = (<usize>cols) << 3;
  for (let j = 0; j < pairs; j++) {
    const near = j * cols;
    const far = (rows - 1 - j) * cols;
    for (let x = 0; x < cols; x++) {
      const a = load<f64>(f64At(input, near + x));
      const b = load<f64>(f64At(input, far + x));
      store<f64>(f64At(sums, near + x), a + b);
      store<f64>(f64At(differences, near + x), a - b);
    }
  }
  if (symmetricSize > pairs) {
    memory.copy(f64At(sums, pairs * cols), f64At(input, pairs * cols), rowBytes);
  }
  for (let i = 0; i < symmetricSize; i++) {
    memory.fill(p, 0, rowBytes);
    for (let j = 0; j < symmetricSize; j++) {
      const weight = load<f64>(f64At(symmetric, i * symmetricSize + j));
      if (weight != 0) addScaledRow(p, f64At(sums, j * cols), weight, cols);
    }
    const near = f64At(output, i * cols);
    if (i >= pairs) {
      memory.copy(near, p, rowBytes);
      continue;
    }
    memory.fill(q, 0, rowBytes);
    for (let j = 0; j < pairs; j++) {
      const weight = load<f64>(f64At(antisymmetric, i * pairs + j));
      if (weight != 0) addScaledRow(q, f64At(differences, j * cols), weight, cols);
    }
    const far = f64At(output, (rows - 1 - i) * cols);
    const vectorEnd = cols & ~1;
    let x = 0;
    for (; x < vectorEnd; x += 2) {
      const offset = (<usize>x) << 3;
      const symmetricPart = v128.load(p + offset);
      const antisymmetricPart = v128.load(q + offset);
      v128.store(near + offset, f64x2.add(symmetricPart, antisymmetricPart));
      v128.store(far + offset, f64x2.sub(symmetricPart, antisymmetricPart));
    }
    for (; x < cols; x++) {
      const offset = (<usize>x) << 3;
      const symmetricPart = load<f64>(p + offset);
      const antisymmetricPart = load<f64>(q + offset);
      store<f64>(near + offset, symmetricPart + antisymmetricPart);
      store<f64>(far + offset, symmetricPart - antisymmetricPart);
    }
  }
}

/**
 * `count` fields of rows x width stored side by side (input: rows x count*width) become
 * `count` transposed fields side by side (output: width x count*rows), times `scale`.
 */
export function transposeFields(
  input: usize,
  output: usize,
  rows: i32,
  width: i32,
  count: i32,
  scale: f64,
): void {
  const inputStride = count * width;
  const outputStride = count * rows;
  for (let field = 0; field < count; field++) {
    for (let y = 0; y < rows; y++) {
      const source = f64At(input, y * inputStride + field * width);
      const target = output + ((<usize>(field * rows + y)) << 3);
      for (let x = 0; x < width; x++) {
        store<f64>(target + ((<usize>(x * outputStride)) << 3), scale * load<f64>(source + ((<usize>x) << 3)));
      }
    }
  }
}
