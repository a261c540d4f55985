// Typed errors that name the op and what it received versus what it expected.

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** A tensor's shape does not fit the op: names the op, the shapes given and what was expected. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  readonly op: string;
  readonly shapes: readonly (readonly number[])[];

  constructor(op: string, shapes: readonly (readonly number[])[], expected: string) {
    super(
      `${op}: got shape${shapes.length > 1 ? 's' : ''} ${shapes.map(formatShape).join(', ')}; expected ${expected}`,
    );
    this.op = op;
    this.shapes = shapes;
  }
}

/** A tensor's dtype does not fit the op (e.g. int32 labels passed to an arithmetic op). */
export class DTypeError extends Error {
  override readonly name = 'DTypeError';
  readonly op: string;

  constructor(op: string, got: string, expected: string) {
    super(`${op}: got dtype ${got}; expected ${expected}`);
    this.op = op;
  }
}

/** An axis argument is not an integer in [-rank, rank). */
export class AxisError extends RangeError {
  override readonly name = 'AxisError';

  constructor(op: string, axis: number, rank: number) {
    super(
      `${op}: axis ${axis} is out of range for a tensor of rank ${rank} (expected an integer in [${-rank}, ${rank}))`,
    );
  }
}

/** A NaN or Infinity appeared (reported by `assertFinite` and the finite-check debug mode). */
export class NonFiniteError extends Error {
  override readonly name = 'NonFiniteError';
  readonly op: string;

  constructor(op: string, detail: string) {
    super(`${op} produced a non-finite value: ${detail}`);
    this.op = op;
  }
}

export { formatShape };
