import { InvalidArgumentError } from 'commander';

/** Parses "2000", "2k" or "60K" (thousands) into a whole number. */
export function parseCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kK]?)$/.exec(text.trim());
  const value = match ? Number(match[1]) * (match[2] ? 1000 : 1) : Number.NaN;
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError('expected a positive whole number such as 2000 or 2k.');
  }
  return value;
}

export function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError('expected a positive integer.');
  }
  return value;
}

export function parseNonNegativeInteger(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new InvalidArgumentError('expected a non-negative integer.');
  }
  return value;
}

export function parsePositiveNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError('expected a number > 0, such as 0.01 or 1e-3.');
  }
  return value;
}

export function parseNonNegativeNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError('expected a number >= 0, such as 0 or 1e-4.');
  }
  return value;
}

/** A comma-separated list of counts: "1k,2k,5k". */
export function parseCountList(text: string): number[] {
  const parts = text.split(',').filter((part) => part.trim() !== '');
  if (parts.length === 0)
    throw new InvalidArgumentError('expected sizes separated by commas, such as 1k,2k,5k.');
  const values = parts.map((part) => {
    try {
      return parseCount(part);
    } catch {
      throw new InvalidArgumentError(`"${part}" is not a size; expected sizes such as 1k,2k,5k.`);
    }
  });
  return [...new Set(values)].sort((a, b) => a - b);
}
