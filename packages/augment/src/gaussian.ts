/**
 * Separable Gaussian smoothing of displacement fields with zero padding outside the field, the
 * same as `scipy.ndimage.gaussian_filter(field, sigma, mode='constant', cval=0,
 * truncate=truncate)`, the filter most reproductions of Simard et al. (2003) use.
 *
 * Both axes use one kernel, `columnPass` (smoothing along the first axis, see
 * smoothing-kernels.ts), with transposes in between: fields -> along y -> transpose -> along
 * x -> transpose back, times the scale. It runs as WebAssembly SIMD where available, else as
 * TypeScript; the two give bit-identical results.
 */
import { columnPass, transposeFields } from './smoothing-kernels.js';
import { instantiateSmoothingWasm, type SmoothingWasmExports } from './smoothing-wasm.js';

/**
 * Weights of a Gaussian of standard deviation `sigma` at offsets -radius..radius, radius =
 * round(truncate * sigma) (as scipy), normalised to sum 1. Sigma 0 gives the identity [1].
 */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  if (!Number.isFinite(sigma) || sigma < 0) {
    throw new RangeError(`gaussianKernel: sigma must be a finite number >= 0, got ${sigma}`);
  }
  if (!Number.isFinite(truncate) || truncate <= 0) {
    throw new RangeError(`gaussianKernel: truncate must be a finite number > 0, got ${truncate}`);
  }
  const radius = Math.floor(truncate * sigma + 0.5);
  const weights = new Float64Array(2 * radius + 1);
  if (radius === 0) {
    weights[0] = 1;
    return weights;
  }
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const weight = Math.exp((-0.5 * k * k) / (sigma * sigma));
    weights[k + radius] = weight;
    sum += weight;
  }
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return weights;
}

/** 'auto' uses WebAssembly SIMD where it is available. */
export type SmoothingBackend = 'auto' | 'wasm' | 'js';

const BYTES_PER_VALUE = 8;
const WASM_PAGE_BYTES = 65_536;

/** Offsets (in values) of everything the smoothing of one field size touches. */
interface Layout {
  height: number;
  width: number;
  count: number;
  fields: number;
  transposed: number;
  sums: number;
  differences: number;
  p: number;
  q: number;
  symmetricY: number;
  antisymmetricY: number;
  symmetricX: number;
  antisymmetricX: number;
  end: number;
}

/**
 * Smooths `count` fields of height x width stored side by side (row y of every field, one
 * after another: a height x count*width matrix) in one buffer it owns, in WebAssembly memory
 * when that backend is used. Fill `fieldBuffer(...)`, then call `smoothFieldBuffer(scale)`.
 */
export class GaussianSmoother {
  readonly kernel: Float64Array;
  readonly radius: number;
  readonly backend: 'wasm' | 'js';
  private readonly wasm: SmoothingWasmExports | null;
  private heap: Float64Array = new Float64Array(0);
  private layout: Layout | undefined;
  private fieldView: Float64Array = new Float64Array(0);

  constructor(sigma: number, truncate = 4, backend: SmoothingBackend = 'auto') {
    this.kernel = gaussianKernel(sigma, truncate);
    this.radius = (this.kernel.length - 1) / 2;
    if (backend !== 'auto' && backend !== 'wasm' && backend !== 'js') {
      throw new RangeError(`smoothing backend: expected 'auto', 'wasm' or 'js', got ${backend}`);
    }
    this.wasm = backend === 'js' ? null : instantiateSmoothingWasm();
    if (backend === 'wasm' && !this.wasm) {
      throw new Error('smoothing backend wasm: WebAssembly SIMD is not available here');
    }
    this.backend = this.wasm ? 'wasm' : 'js';
  }

  /**
   * The buffer for `count` height x width fields side by side (height x count*width values,
   * row-major). Valid until the next call with other sizes; rewritten by the smoothing.
   */
  fieldBuffer(height: number, width: number, count = 1): Float64Array {
    if (!Number.isInteger(height) || !Number.isInteger(width) || !Number.isInteger(count)) {
      throw new RangeError(
        `GaussianSmoother: sizes must be integers, got ${height} x ${width} x ${count}`,
      );
    }
    if (height < 1 || width < 1 || count < 1) {
      throw new RangeError(
        `GaussianSmoother: sizes must be >= 1, got ${height} x ${width} x ${count}`,
      );
    }
    const layout = this.layout;
    if (layout?.height !== height || layout.width !== width || layout.count !== count) {
      this.prepare(height, width, count);
    }
    return this.fieldView;
  }

  /** Smooths the fields in `fieldBuffer` in place and multiplies them by `scale`. */
  smoothFieldBuffer(scale = 1): void {
    const layout = this.layout;
    if (!layout) throw new Error('GaussianSmoother: call fieldBuffer(height, width, count) first');
    const { height, width, count } = layout;
    this.columnPass(layout.fields, height, count * width, layout.symmetricY, layout.antisymmetricY);
    this.transpose(layout.fields, layout.transposed, height, width, count, 1);
    this.columnPass(
      layout.transposed,
      width,
      count * height,
      layout.symmetricX,
      layout.antisymmetricX,
    );
    this.transpose(layout.transposed, layout.fields, width, height, count, scale);
  }

  /** `out = scale * smoothed field` for one height x width field (copies in and out). */
  smooth(field: Float64Array, height: number, width: number, out: Float64Array, scale = 1): void {
    const size = height * width;
    if (field.length < size || out.length < size) {
      throw new RangeError(
        `GaussianSmoother.smooth: fields must hold ${height} x ${width} values, got ${field.length} and ${out.length}`,
      );
    }
    const buffer = this.fieldBuffer(height, width, 1);
    buffer.set(field.subarray(0, size));
    this.smoothFieldBuffer(scale);
    out.set(buffer);
  }

  private columnPass(
    input: number,
    rows: number,
    cols: number,
    symmetric: number,
    antisymmetric: number,
  ): void {
    const { sums, differences, p, q } = this.layout!;
    if (this.wasm) {
      const b = BYTES_PER_VALUE;
      // biome-ignore format: pointer arguments
      this.wasm.columnPass(input * b, input * b, rows, cols, symmetric * b, antisymmetric * b, sums * b, differences * b, p * b, q * b);
    } else {
      columnPass(
        this.heap,
        input,
        input,
        rows,
        cols,
        symmetric,
        antisymmetric,
        sums,
        differences,
        p,
        q,
      );
    }
  }

  private transpose(
    input: number,
    output: number,
    rows: number,
    width: number,
    count: number,
    scale: number,
  ): void {
    if (this.wasm) {
      const b = BYTES_PER_VALUE;
      this.wasm.transposeFields(input * b, output * b, rows, width, count, scale);
    } else {
      transposeFields(this.heap, input, output, rows, width, count, scale);
    }
  }

  private prepare(height: number, width: number, count: number): void {
    const longest = Math.max(height, width);
    const scratchRows = (longest >> 1) + (longest & 1);
    const symmetricSize = (n: number) => (n >> 1) + (n & 1);
    let end = 0;
    const take = (values: number) => {
      const start = end;
      end += values + (values & 1); // keep every block 16-byte aligned for the SIMD loads
      return start;
    };
    const layout: Layout = {
      height,
      width,
      count,
      fields: take(height * width * count),
      transposed: take(height * width * count),
      sums: take(scratchRows * count * longest),
      differences: take(scratchRows * count * longest),
      p: take(count * longest),
      q: take(count * longest),
      symmetricY: take(symmetricSize(height) ** 2),
      antisymmetricY: take((height >> 1) ** 2),
      symmetricX: take(symmetricSize(width) ** 2),
      antisymmetricX: take((width >> 1) ** 2),
      end: 0,
    };
    layout.end = end;
    this.heap = this.allocate(end);
    this.writeAxis(height, layout.symmetricY, layout.antisymmetricY);
    this.writeAxis(width, layout.symmetricX, layout.antisymmetricX);
    this.layout = layout;
    this.fieldView = this.heap.subarray(layout.fields, layout.fields + height * width * count);
  }

  private allocate(values: number): Float64Array {
    if (!this.wasm) return this.heap.length >= values ? this.heap : new Float64Array(values);
    const memory = this.wasm.memory;
    const needed = values * BYTES_PER_VALUE;
    if (memory.buffer.byteLength < needed) {
      memory.grow(Math.ceil((needed - memory.buffer.byteLength) / WASM_PAGE_BYTES));
    }
    return new Float64Array(memory.buffer); // a new view: growing detaches the old buffer
  }

  /** The symmetric and antisymmetric parts of zero-padded smoothing along an axis of length n. */
  private writeAxis(length: number, symmetric: number, antisymmetric: number): void {
    const { kernel, radius, heap } = this;
    const weight = (i: number, j: number) =>
      Math.abs(j - i) <= radius ? kernel[j - i + radius] : 0;
    const pairs = length >> 1;
    const symmetricSize = pairs + (length & 1);
    for (let i = 0; i < symmetricSize; i++) {
      for (let j = 0; j < pairs; j++) {
        const near = weight(i, j);
        const far = weight(i, length - 1 - j);
        heap[symmetric + i * symmetricSize + j] = (near + far) / 2;
        if (i < pairs) heap[antisymmetric + i * pairs + j] = (near - far) / 2;
      }
      if (symmetricSize > pairs) heap[symmetric + i * symmetricSize + pairs] = weight(i, pairs);
    }
  }
}
