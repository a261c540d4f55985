/**
 * Weight initializers. Each fills a Float32Array in place from a seeded `Generator`, so a seed
 * fixes a model's starting point exactly.
 */
import type { Generator } from '@lenet/tensor';

/**
 * - `lecun98`: the paper's uniform in [-2.4/F, +2.4/F], F the fan-in (P98 Appendix A); the
 *   default for the LeNet models.
 * - `lecun-lush`: uniform in [-1/sqrt(F), +1/sqrt(F)], what LeCun's own code does: Lush's
 *   gblearn2 `forget` with v = 1, p = 2 draws weights in +-v / F^(1/p), as `demos/lenet5.lsh`
 *   calls it (`(forget 1 2)`); it also starts biases at 0 and sub-sampling coefficients at the
 *   constant 1/sqrt(F) (see `Subsampling`). With it LeNet-5's h_kk at initialisation span the
 *   range the paper's first-pass effective learning rates imply (see the lenet app's README).
 * - `xavier-uniform` / `xavier-normal`: Glorot & Bengio 2010, variance 2/(fanIn + fanOut).
 * - `he-uniform` / `he-normal`: He et al. 2015 (Kaiming), variance 2/fanIn, for ReLU nets.
 * - `zeros`, or a constant value.
 */
export type InitScheme =
  | 'lecun98'
  | 'lecun-lush'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'he-uniform'
  | 'he-normal'
  | 'zeros'
  | { constant: number };

export const INIT_SCHEMES = [
  'lecun98',
  'lecun-lush',
  'xavier-uniform',
  'xavier-normal',
  'he-uniform',
  'he-normal',
  'zeros',
] as const;

export interface Fans {
  /** Inputs feeding one unit through this parameter (bias not counted). */
  readonly fanIn: number;
  /** Units one input feeds through this parameter. */
  readonly fanOut: number;
}

/** Fills `data` according to `scheme` and returns it. */
export function initialize(
  data: Float32Array,
  scheme: InitScheme,
  fans: Fans,
  generator: Generator,
): Float32Array {
  const { fanIn, fanOut } = fans;
  if (!(fanIn > 0) || !(fanOut > 0)) {
    throw new RangeError(`initialize: fanIn and fanOut must be positive, got ${fanIn}, ${fanOut}`);
  }
  if (typeof scheme === 'object') return data.fill(scheme.constant);
  switch (scheme) {
    case 'lecun98':
      return uniform(data, 2.4 / fanIn, generator);
    case 'lecun-lush':
      return uniform(data, 1 / Math.sqrt(fanIn), generator);
    case 'xavier-uniform':
      return uniform(data, Math.sqrt(6 / (fanIn + fanOut)), generator);
    case 'xavier-normal':
      return generator.fillNormal(data, 0, Math.sqrt(2 / (fanIn + fanOut)));
    case 'he-uniform':
      return uniform(data, Math.sqrt(6 / fanIn), generator);
    case 'he-normal':
      return generator.fillNormal(data, 0, Math.sqrt(2 / fanIn));
    case 'zeros':
      return data.fill(0);
    default:
      throw new RangeError(
        `initialize: unknown scheme ${JSON.stringify(scheme)}; expected one of ${INIT_SCHEMES.join(', ')} or { constant }`,
      );
  }
}

function uniform(data: Float32Array, bound: number, generator: Generator): Float32Array {
  return generator.fillUniform(data, -bound, bound);
}
