// Integer codes of the enumerations the module understands (assembly/elementwise.ts,
// assembly/pool.ts, assembly/reduce.ts define the same numbers).
import type { Activation, BinaryOp, PoolMode, ReduceOp, UnaryOp } from '../backend.js';

export const unaryCodes: Record<UnaryOp, number> = {
  neg: 0,
  exp: 1,
  log: 2,
  sqrt: 3,
  abs: 4,
  square: 5,
  tanh: 6,
  sigmoid: 7,
  relu: 8,
  scaledTanh: 9,
};

/** Activations are unary codes; identity is -1 (no function applied). */
export const activationCodes: Record<Activation, number> = {
  identity: -1,
  relu: unaryCodes.relu,
  tanh: unaryCodes.tanh,
  sigmoid: unaryCodes.sigmoid,
  scaledTanh: unaryCodes.scaledTanh,
};

export const binaryCodes: Record<BinaryOp, number> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
};

export const poolCodes: Record<PoolMode, number> = { max: 0, avg: 1, sum: 2 };

export const reduceCodes: Record<ReduceOp, number> = { sum: 0, max: 1 };

/** Throws a TypeError naming the kernel when `name` is not in `codes`. */
export function codeOf<Name extends string>(
  kernel: string,
  codes: Record<Name, number>,
  name: Name,
): number {
  const code = codes[name];
  if (code === undefined) {
    throw new TypeError(`${kernel}: unknown op "${name}"; known: ${Object.keys(codes).join(', ')}`);
  }
  return code;
}
