/**
 * A scalar reverse-mode autograd engine in the spirit of micrograd.
 *
 * Every `Value` remembers the op that made it and its (at most two) parents. Each op's forward
 * rule is in its method below and its local gradient rule in `propagate`, one `case` per op:
 * a `switch` rather than a closure per node, so building a node allocates only the node.
 */

/** A value, or a plain number that becomes a constant leaf. */
export type Operand = Value | number;

/** The op that produced a value; '' for leaves (inputs, parameters and constants). */
export type Op =
  | ''
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'neg'
  | 'pow'
  | 'exp'
  | 'log'
  | 'tanh'
  | 'sigmoid'
  | 'relu';

// Marks nodes already visited by the walk in progress, so no Set is needed: a node counts as
// visited when its mark equals the current walk's number.
let currentWalk = 0;

// data and grad live in shared Float64Array pages, two slots per value, rather than in fields:
// V8 boxes every double field in a separate heap object, and with three objects per node the
// garbage collector dominated training time (2x fewer steps/s). A page (256 values, 4 KB)
// lives as long as any value on it, so keep `loss.data` rather than `loss` in a history.
const pageValues = 256;
let page = new Float64Array(2 * pageValues);
let pageCursor = 0;

export class Value {
  /** @internal the page holding data (at `slot`) and grad (at `slot + 1`). */
  readonly page: Float64Array;
  /** @internal */
  readonly slot: number;
  /** A name for graphs and debugging. */
  label: string;
  /** The op that made this value ('' for a leaf). */
  readonly op: Op;
  /** First parent (null for leaves). Read `parents` unless you need speed. */
  readonly left: Value | null;
  /** Second parent of a binary op (null otherwise). */
  readonly right: Value | null;
  /** The constant exponent of a `pow` node (0 for every other op). */
  readonly exponent: number;
  /** @internal number of the last walk that visited this node. */
  visitMark = 0;

  /**
   * Makes a leaf: `new Value(2, 'x')`. The remaining parameters are used by the ops
   * themselves; user code never needs them.
   */
  constructor(
    data: number,
    label = '',
    op: Op = '',
    left: Value | null = null,
    right: Value | null = null,
    exponent = 0,
  ) {
    if (typeof data !== 'number') {
      throw new TypeError(`Value: data must be a number, got ${describe(data)}`);
    }
    if (pageCursor === page.length) {
      page = new Float64Array(2 * pageValues);
      pageCursor = 0;
    }
    this.page = page;
    this.slot = pageCursor;
    pageCursor += 2;
    page[this.slot] = data;
    this.label = label;
    this.op = op;
    this.left = left;
    this.right = right;
    this.exponent = exponent;
  }

  /** The scalar this node holds. */
  get data(): number {
    return this.page[this.slot];
  }

  set data(value: number) {
    this.page[this.slot] = value;
  }

  /** d(output)/d(this) after `backward()`: accumulated on leaves, fresh on inner nodes. */
  get grad(): number {
    return this.page[this.slot + 1];
  }

  set grad(value: number) {
    this.page[this.slot + 1] = value;
  }

  /** The values this one was computed from (empty for a leaf). */
  get parents(): Value[] {
    if (this.left === null) return [];
    return this.right === null ? [this.left] : [this.left, this.right];
  }

  add(other: Operand): Value {
    const b = toValue(other, 'add');
    return new Value(this.data + b.data, '', 'add', this, b);
  }

  sub(other: Operand): Value {
    const b = toValue(other, 'sub');
    return new Value(this.data - b.data, '', 'sub', this, b);
  }

  mul(other: Operand): Value {
    const b = toValue(other, 'mul');
    return new Value(this.data * b.data, '', 'mul', this, b);
  }

  div(other: Operand): Value {
    const b = toValue(other, 'div');
    return new Value(this.data / b.data, '', 'div', this, b);
  }

  neg(): Value {
    return new Value(-this.data, '', 'neg', this);
  }

  /** `this ** exponent` for a constant number exponent. */
  pow(exponent: number): Value {
    if (typeof exponent !== 'number' || !Number.isFinite(exponent)) {
      throw new TypeError(`pow: exponent must be a finite number, got ${describe(exponent)}`);
    }
    return new Value(this.data ** exponent, '', 'pow', this, null, exponent);
  }

  exp(): Value {
    return new Value(Math.exp(this.data), '', 'exp', this);
  }

  /** Natural logarithm (NaN below 0 and -Infinity at 0, as Math.log). */
  log(): Value {
    return new Value(Math.log(this.data), '', 'log', this);
  }

  tanh(): Value {
    return new Value(Math.tanh(this.data), '', 'tanh', this);
  }

  /** The logistic function 1 / (1 + e^-x), computed without overflow for large |x|. */
  sigmoid(): Value {
    const x = this.data;
    const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    return new Value(s, '', 'sigmoid', this);
  }

  relu(): Value {
    return new Value(Math.max(this.data, 0), '', 'relu', this);
  }

  /**
   * Sets d(this)/d(node) on every node this value depends on. Leaves (parameters, inputs)
   * add to the gradient they already hold, so gradients accumulate across calls until
   * `zeroGrad`; inner nodes are reset first so each holds this call's gradient only.
   */
  backward(): void {
    walk(this);
    const order = orderBuffer;
    for (let i = 0; i < orderLength; i++) {
      const node = order[i];
      if (node.left !== null) node.grad = 0;
    }
    this.grad += 1;
    // Reverse post-order: a node propagates only after every consumer has added to its grad.
    for (let i = orderLength - 1; i >= 0; i--) {
      const node = order[i];
      if (node.left !== null) propagate(node);
    }
    releaseBuffers();
  }

  /** Resets the grad of this value and of every value it depends on. */
  zeroGrad(): void {
    walk(this);
    for (let i = 0; i < orderLength; i++) orderBuffer[i].grad = 0;
    releaseBuffers();
  }

  toString(): string {
    return `Value(data=${this.data}, grad=${this.grad})`;
  }
}

/** Pushes `node.grad` into its parents' grads with the chain rule of the op that made it. */
function propagate(node: Value): void {
  const a = node.left!;
  const g = node.grad;
  switch (node.op) {
    case 'add':
      a.grad += g;
      node.right!.grad += g;
      break;
    case 'sub':
      a.grad += g;
      node.right!.grad -= g;
      break;
    case 'mul': {
      const b = node.right!;
      a.grad += b.data * g;
      b.grad += a.data * g;
      break;
    }
    case 'div': {
      const b = node.right!;
      a.grad += g / b.data;
      b.grad -= (g * a.data) / (b.data * b.data);
      break;
    }
    case 'neg':
      a.grad -= g;
      break;
    case 'pow': {
      // d/dx x^n = n x^(n-1); n = 0 is a constant (avoids 0 * Infinity at x = 0).
      const n = node.exponent;
      if (n !== 0) a.grad += n * a.data ** (n - 1) * g;
      break;
    }
    case 'exp':
      a.grad += node.data * g;
      break;
    case 'log':
      a.grad += g / a.data;
      break;
    case 'tanh':
      a.grad += (1 - node.data * node.data) * g;
      break;
    case 'sigmoid':
      a.grad += node.data * (1 - node.data) * g;
      break;
    case 'relu':
      // The gradient passes where the input was positive, whatever its sign.
      if (a.data > 0) a.grad += g;
      break;
    default:
      throw new Error(`backward: no gradient rule for op '${node.op}'`);
  }
}

// Reused between walks so backward() allocates nothing once the buffers have grown. Their
// `length` is never shrunk: that makes V8 reallocate the backing store on every walk.
let orderBuffer: Value[] = [];
let orderLength = 0;
let nodeStack: Value[] = [];
let childStack = new Int32Array(1024);

/**
 * Every node `root` depends on, each once, parents before children (post-order), found with
 * an explicit stack so a graph of any depth fits. Fills `orderBuffer[0 .. orderLength)`.
 */
function walk(root: Value): void {
  const mark = ++currentWalk;
  orderLength = 0;
  nodeStack[0] = root;
  childStack[0] = 0;
  root.visitMark = mark;
  let depth = 1;
  while (depth > 0) {
    const node = nodeStack[depth - 1];
    const next = childStack[depth - 1];
    const parent = next === 0 ? node.left : next === 1 ? node.right : null;
    if (parent === null) {
      orderBuffer[orderLength++] = node;
      depth--;
    } else {
      childStack[depth - 1] = next + 1;
      if (parent.visitMark !== mark) {
        parent.visitMark = mark;
        if (depth === childStack.length) {
          const grown = new Int32Array(depth * 2);
          grown.set(childStack);
          childStack = grown;
        }
        nodeStack[depth] = parent;
        childStack[depth++] = 0;
      }
    }
  }
}

// A leaf that fills buffer slots no longer in use, so finished graphs can be collected.
const emptySlot = new Value(0);

/** Clears the shared buffers' references to the graph just walked (keeping their capacity). */
function releaseBuffers(): void {
  orderBuffer.fill(emptySlot, 0, orderLength);
  nodeStack.fill(emptySlot);
  orderLength = 0;
  if (orderBuffer.length > 1 << 20) orderBuffer = [];
  if (nodeStack.length > 1 << 20) nodeStack = [];
  if (childStack.length > 1 << 20) childStack = new Int32Array(1024);
}

/** The nodes `root` depends on (itself included), each once, parents before children. */
export function topologicalOrder(root: Value): Value[] {
  walk(root);
  const order = orderBuffer.slice(0, orderLength);
  releaseBuffers();
  return order;
}

/** Wraps a plain number as a constant leaf; rejects anything else with a clear error. */
export function toValue(operand: Operand, op = 'toValue'): Value {
  if (operand instanceof Value) return operand;
  if (typeof operand === 'number') return new Value(operand);
  throw new TypeError(`${op}: expected a Value or a number, got ${describe(operand)}`);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return x.constructor?.name ?? 'object';
  return `${typeof x} ${String(x)}`;
}

/** Free-function forms, so a number may stand on the left: `mul(2, x)`. */
export function add(a: Operand, b: Operand): Value {
  return toValue(a, 'add').add(b);
}
export function sub(a: Operand, b: Operand): Value {
  return toValue(a, 'sub').sub(b);
}
export function mul(a: Operand, b: Operand): Value {
  return toValue(a, 'mul').mul(b);
}
export function div(a: Operand, b: Operand): Value {
  return toValue(a, 'div').div(b);
}
export function neg(x: Operand): Value {
  return toValue(x, 'neg').neg();
}
export function pow(x: Operand, exponent: number): Value {
  return toValue(x, 'pow').pow(exponent);
}
export function exp(x: Operand): Value {
  return toValue(x, 'exp').exp();
}
export function log(x: Operand): Value {
  return toValue(x, 'log').log();
}
export function tanh(x: Operand): Value {
  return toValue(x, 'tanh').tanh();
}
export function sigmoid(x: Operand): Value {
  return toValue(x, 'sigmoid').sigmoid();
}
export function relu(x: Operand): Value {
  return toValue(x, 'relu').relu();
}
