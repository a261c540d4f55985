import type { Range } from './types.js';

/** `[min, max]` of a range option, or a clear error naming the option. */
export function resolveRange(name: string, range: Range): [number, number] {
  if (typeof range === 'number') {
    if (!Number.isFinite(range) || range < 0) {
      throw new RangeError(`${name}: expected a finite number >= 0 or [min, max], got ${range}`);
    }
    return [-range, range];
  }
  if (!Array.isArray(range) || range.length !== 2) {
    throw new RangeError(`${name}: expected a number or [min, max], got ${JSON.stringify(range)}`);
  }
  const [min, max] = range;
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new RangeError(
      `${name}: expected finite [min, max] with min <= max, got [${min}, ${max}]`,
    );
  }
  return [min, max];
}

export function checkFinite(name: string, value: number): number {
  if (!Number.isFinite(value))
    throw new RangeError(`${name}: expected a finite number, got ${value}`);
  return value;
}

export function checkImageSize(where: string, height: number, width: number): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new RangeError(
      `${where}: expected positive integer height and width, got ${height} x ${width}`,
    );
  }
}
