/**
 * The project's one seeded random number generator: xoshiro128** (Blackman & Vigna), seeded
 * through splitmix32. 32-bit integer arithmetic only, so a seed gives the same stream in every
 * JavaScript engine, and the whole state is four numbers that can be saved and restored
 * (checkpoints resume bit-identically).
 */

/** Everything needed to continue a stream exactly where it was. Plain JSON. */
export interface GeneratorState {
  readonly s: readonly [number, number, number, number];
  /** The second normal deviate of the last Box-Muller pair, if not yet used. */
  readonly spareNormal: number | null;
}

const TWO_POW_MINUS_24 = 1 / 16_777_216;

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    if (!Number.isFinite(seed))
      throw new RangeError(`Generator: seed must be a finite number, got ${seed}`);
    // Fold the seed's high bits in, so seeds above 2^32 still differ.
    const low = seed >>> 0;
    const high = Math.floor(Math.abs(seed) / 4_294_967_296) >>> 0;
    const next = splitmix32(low ^ Math.imul(high, 0x27d4eb2d));
    // Fields hold int32 values (`| 0`): V8 keeps them unboxed, and the bit patterns, hence the
    // stream, are the same as for the unsigned values.
    this.s0 = next() | 0;
    this.s1 = next() | 0;
    this.s2 = next() | 0;
    this.s3 = next() | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero state is a fixed point
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 random bits: exactly representable as float32. */
  nextFloat(): number {
    return (this.nextUint32() >>> 8) * TWO_POW_MINUS_24;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.nextFloat();
  }

  /** Normal deviate (Box-Muller; the pair's second value is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return mean + std * spare;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return mean + std * radius * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4_294_967_296) {
      throw new RangeError(`Generator.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 4_294_967_296 - (4_294_967_296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Shuffles `array` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: any }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A random permutation of 0 .. n-1. */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return this.shuffle(order);
  }

  /** Fills `out` with uniform values in [low, high) and returns it. */
  fillUniform(out: Float32Array, low = 0, high = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * this.nextFloat();
    return out;
  }

  /** Fills `out` with normal deviates and returns it. */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /**
   * A new generator on an independent stream, seeded from this one (advances this one by four
   * draws). Use one per worker or per data pipeline so their draws do not interleave.
   */
  fork(): Generator {
    const child = new Generator(0);
    child.s0 = this.nextUint32() | 0;
    child.s1 = this.nextUint32() | 0;
    child.s2 = this.nextUint32() | 0;
    child.s3 = this.nextUint32() | 0;
    if ((child.s0 | child.s1 | child.s2 | child.s3) === 0) child.s0 = 1;
    return child;
  }

  getState(): GeneratorState {
    return {
      s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      spareNormal: this.spareNormal,
    };
  }

  setState(state: GeneratorState): void {
    const words = state?.s;
    if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w))) {
      throw new TypeError(
        'Generator.setState: expected { s: [four 32-bit integers], spareNormal }',
      );
    }
    this.s0 = words[0] | 0;
    this.s1 = words[1] | 0;
    this.s2 = words[2] | 0;
    this.s3 = words[3] | 0;
    this.spareNormal = state.spareNormal ?? null;
  }

  static fromState(state: GeneratorState): Generator {
    const generator = new Generator(0);
    generator.setState(state);
    return generator;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
