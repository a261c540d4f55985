// Option helpers shared by the layers.
import type { InitScheme } from '../init.js';

/** The paper's rule covers every weight, biases included; modern schemes start biases at 0. */
export function defaultBiasInit(init: InitScheme): InitScheme {
  return init === 'lecun98' ? 'lecun98' : 'zeros';
}

export function checkPositiveInteger(layer: string, values: Record<string, number>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new RangeError(`${layer}: ${name} must be a positive integer, got ${value}`);
    }
  }
}

/** A size given as one number or [height, width]. */
export function pair(value: number | readonly [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}
