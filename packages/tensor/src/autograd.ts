// Reverse-mode automatic differentiation on a dynamic tape, as in PyTorch, plus the
// curvature pass SDLM needs.
//
// Every op calls `recordOp` on its result. When grad mode is on and an input requires grad,
// the result remembers a `GradNode`: the op's name, its inputs, a closure mapping the
// output's gradient to its inputs' gradients and, beside it, the op's curvature rule.
// `backward` orders the graph reachable from the output (an iterative depth-first search:
// deep graphs cannot overflow the stack), walks it from the output back, sums gradients that
// meet at a tensor, and stores them on leaves that require grad (and on non-leaves that
// called `retainGrad()`), adding to any gradient already there. Backward closures run in
// no-grad mode, so gradients of gradients are not recorded.
//
// `backwardCurvature` walks the same graph with the Gauss-Newton diagonal second derivative
// of LeCun et al. 1998 (eqs. 22-27; Becker & LeCun 1988). Each op's rule maps h (d2E/dy^2 of
// its output, diagonal) to its inputs' h:
//   h_x_i = sum_j (dy_j/dx_i)^2 h_y_j                      (the squared Jacobian)
//         + max(0, sum_j d2y_j/dx_i^2 g_y_j)               (the op's own term, g = dE/dy)
// The own term exists only for ops with a second derivative that are not squashing
// activations (square, exp, log, log-softmax, log-sum-exp, squared distance...): eq. 27 drops
// it for tanh, sigmoid, relu and friends. Off-diagonal terms are ignored everywhere (each
// op treats the curvature of its output as diagonal), so no estimate is ever negative. The
// pass starts from h = 0 and g = 1 at a scalar loss: the loss's own ops supply its curvature.
// g is computed only where an own term needs it (see `gradientNeeded`), and rules run in
// no-grad mode with backend kernels only, so a traced program replays them like `backward`.
//
// After either pass the graph is released (each node forgets its inputs and closures) so
// the intermediate tensors can be garbage collected even if the caller keeps the output;
// pass { retainGraph: true } to run through the same graph again.
import {
  type AccumulatorField,
  markLastCopyElidable,
  noteAccumulatorStore,
} from './compile/trace.js';
import { NonFiniteError, ShapeError } from './errors.js';
import { addInPlace, copied, filled } from './kernel-calls.js';
import { add } from './ops/elementwise.js';
import { sameShape } from './shape-utils.js';
import { isReadable } from './sync.js';
import type { CurvatureRule, DType, GradNode, Tensor } from './tensor.js';

let gradEnabled = true;
let finiteChecks = false;

/** Runs `fn` without recording ops (inference, optimizer updates). Nests; restores on throw. */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Runs `fn` with ops recorded even inside `noGrad` (PyTorch's enable_grad). Nests. */
export function enableGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Whether ops are currently recorded. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Debug mode: when on, every op checks its result (and every backward step its gradients)
 * and throws a NonFiniteError naming the first op that produced NaN or Infinity. Costs one
 * pass over each result; off by default.
 */
export function setFiniteChecks(enabled: boolean): void {
  finiteChecks = enabled;
}

/** Throws a NonFiniteError naming `label` if `t` holds NaN or Infinity. Int32 tensors pass. */
export function assertFinite(t: Tensor<DType>, label = 'assertFinite'): void {
  if (t.dtype !== 'float32') return;
  if (!isReadable(t)) {
    throw new Error(
      `${label}: finite checks read every value on the host, but this tensor's values are on the device; use them on a CPU backend (wasm, reference), or check with \`await t.sync()\` then assertFinite(t)`,
    );
  }
  const data = t.data;
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    if (value - value !== 0) {
      throw new NonFiniteError(
        label,
        `${value} at flat index ${i} of a tensor of shape [${t.shape.join(', ')}]`,
      );
    }
  }
}

/**
 * Called by every op on its result. Records the op on the tape when grad mode is on and an
 * input requires grad. `backward` maps the output's gradient to one gradient per input, and
 * `curvature` (optional: without it `backwardCurvature` refuses the graph) maps the output's
 * diagonal curvature to one per input (see the header); both return null for inputs that do
 * not require grad and skip their work. A rule with an own term (a second derivative that
 * eq. 27 keeps) sets `curvature.usesGradient` and receives the output's gradient.
 */
export function recordOp<D extends DType>(
  output: Tensor<D>,
  op: string,
  inputs: readonly Tensor<DType>[],
  backward: (gradOutput: Tensor) => readonly (Tensor | null)[],
  curvature: CurvatureRule | null = null,
): Tensor<D> {
  if (finiteChecks) assertFinite(output, op);
  if (!gradEnabled) return output;
  let anyRequiresGrad = false;
  for (const input of inputs) if (input.requiresGrad) anyRequiresGrad = true;
  if (!anyRequiresGrad) return output;
  output.requiresGrad = true;
  output.gradNode = { op, inputs, backward, curvature };
  return output;
}

/** A curvature rule without an own term: h of the output -> h of each input. */
export function gaussNewton(
  rule: (curvatureOutput: Tensor) => readonly (Tensor | null)[],
): CurvatureRule {
  return { usesGradient: false, apply: (h) => rule(h) };
}

/** A curvature rule with an own term: it also receives the output's gradient g. */
export function withOwnTerm(
  rule: (curvatureOutput: Tensor, gradOutput: Tensor) => readonly (Tensor | null)[],
): CurvatureRule {
  return {
    usesGradient: true,
    apply: (h, g) => {
      if (!g) throw new Error('curvature: an own-term rule was called without the gradient');
      return rule(h, g);
    },
  };
}

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (default false). */
  retainGraph?: boolean;
}

/** Tensors reachable from `root` through recorded ops, each after all of its inputs. */
function topologicalOrder(root: Tensor<DType>): Tensor<DType>[] {
  const order: Tensor<DType>[] = [];
  const visited = new Set<Tensor<DType>>();
  // Each entry is a tensor and whether its inputs have been pushed already.
  const stack: [Tensor<DType>, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [tensor, expanded] = stack.pop()!;
    if (expanded) {
      order.push(tensor);
      continue;
    }
    if (visited.has(tensor)) continue;
    visited.add(tensor);
    stack.push([tensor, true]);
    const inputs = tensor.gradNode?.inputs ?? [];
    for (const input of inputs) {
      if (input.requiresGrad && !visited.has(input)) stack.push([input, false]);
    }
  }
  return order;
}

const released = (op: string) => () => {
  throw new Error(
    `backward: the graph through ${op} was already released by a previous backward() or backwardCurvature(); pass { retainGraph: true } to the first call to go through it twice`,
  );
};

const releasedNode = (op: string): GradNode => ({
  op,
  inputs: [],
  backward: released(op),
  curvature: { usesGradient: false, apply: released(op) },
});

function releaseGraph(order: readonly Tensor<DType>[]): void {
  for (const tensor of order) {
    if (tensor.gradNode) tensor.gradNode = releasedNode(tensor.gradNode.op);
  }
}

/** Throws a ShapeError unless `result`, from `op`'s rule for input `index`, has its shape. */
function checkInputShape(
  op: string,
  pass: string,
  result: Tensor,
  input: Tensor<DType>,
  index: number,
): void {
  if (!sameShape(result.shape, input.shape)) {
    throw new ShapeError(
      `${op} (${pass})`,
      [result.shape],
      `the shape of input ${index}, [${input.shape.join(', ')}]`,
    );
  }
}

/**
 * Back-propagates from `root`. Without `gradient`, root must have one element (a loss) and
 * its gradient is 1; otherwise `gradient` must have root's shape.
 */
export function backward(
  root: Tensor<DType>,
  gradient: Tensor | undefined,
  options: BackwardOptions = {},
): void {
  if (!root.requiresGrad) {
    throw new Error(
      'backward: tensor does not require grad (no input of the ops that made it had requiresGrad, or it was computed under noGrad)',
    );
  }
  if (gradient === undefined) {
    if (root.size !== 1) {
      throw new ShapeError(
        'backward',
        [root.shape],
        'a one-element tensor (a scalar loss); for other outputs call backward(gradient) with a gradient of the same shape',
      );
    }
  } else if (!sameShape(gradient.shape, root.shape) || gradient.dtype !== 'float32') {
    throw new ShapeError(
      'backward',
      [gradient.shape],
      `a float32 gradient of the output's shape [${root.shape.join(', ')}]`,
    );
  }
  const order = topologicalOrder(root);
  const grads = new Map<Tensor<DType>, Tensor>();
  grads.set(root, gradient ?? filled(root.shape, 1));
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const tensor = order[i];
      const grad = grads.get(tensor);
      if (!grad) continue;
      grads.delete(tensor); // free it as soon as it has been used
      const node = tensor.gradNode;
      if (node === null || tensor.retainsGrad) storeGrad(tensor, grad);
      if (node === null) continue;
      const inputGrads = node.backward(grad);
      node.inputs.forEach((input, index) => {
        const inputGrad = inputGrads[index];
        if (!input.requiresGrad || !inputGrad) return;
        checkInputShape(node.op, 'backward', inputGrad, input, index);
        if (finiteChecks) assertFinite(inputGrad, `${node.op} (backward)`);
        const existing = grads.get(input);
        grads.set(input, existing ? add(existing, inputGrad) : inputGrad);
      });
    }
  } finally {
    gradEnabled = previous;
  }
  if (!options.retainGraph) releaseGraph(order);
}

/**
 * t.grad += grad, in place once t.grad exists (so a parameter's gradient buffer is reused);
 * otherwise t.grad becomes a private copy (the incoming gradient may be shared with other
 * tensors' gradients). Both are kernel calls and the attachment is a host step, so a compiled
 * program replays exactly this.
 */
function storeGrad(tensor: Tensor<DType>, grad: Tensor): void {
  storeInto(tensor, 'grad', grad);
}

/** t.curvature += h, like `storeGrad`. */
function storeCurvature(tensor: Tensor<DType>, curvature: Tensor): void {
  storeInto(tensor, 'curvature', curvature);
}

function storeInto(tensor: Tensor<DType>, field: AccumulatorField, value: Tensor): void {
  noteAccumulatorStore(tensor, field);
  const existing = tensor[field];
  if (existing && sameShape(existing.shape, tensor.shape)) {
    addInPlace(existing, value);
    return;
  }
  const copy = copied(value);
  markLastCopyElidable();
  tensor[field] = copy; // while compile traces, recorded as a host step
}

/**
 * The tensors of `order` (inputs before outputs) whose gradient the curvature pass needs: a
 * tensor needs g when its producer's rule has an own term, or when an input of its producer
 * needs g (that input's g is made from this tensor's). Leaves never need one.
 */
function gradientNeeded(order: readonly Tensor<DType>[]): Set<Tensor<DType>> {
  const needed = new Set<Tensor<DType>>();
  for (const tensor of order) {
    const node = tensor.gradNode;
    if (!node) continue;
    if (!node.curvature) {
      throw new Error(
        `backwardCurvature: op ${node.op} has no curvature rule; give recordOp one (see the tensor README, "Curvature")`,
      );
    }
    if (node.curvature.usesGradient || node.inputs.some((input) => needed.has(input))) {
      needed.add(tensor);
    }
  }
  return needed;
}

/** Adds `value` into `map`'s entry for `key` (a new tensor, never in place: values are shared). */
function accumulate(map: Map<Tensor<DType>, Tensor>, key: Tensor<DType>, value: Tensor): void {
  const existing = map.get(key);
  map.set(key, existing ? add(existing, value) : value);
}

/**
 * The Gauss-Newton diagonal curvature pass (see the header) from a one-element loss `root`:
 * adds d2E/dw^2 into `.curvature` of every leaf that requires grad (a private copy the first
 * time, then in place, like `.grad`), and leaves `.grad` alone. With a loss that is a mean
 * over a batch, each leaf receives the mean of the per-sample curvatures. Releases the graph
 * unless `{ retainGraph: true }`.
 */
export function backwardCurvature(root: Tensor<DType>, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error(
      'backwardCurvature: tensor does not require grad (no input of the ops that made it had requiresGrad, or it was computed under noGrad)',
    );
  }
  if (root.size !== 1) {
    throw new ShapeError('backwardCurvature', [root.shape], 'a one-element tensor (a scalar loss)');
  }
  const order = topologicalOrder(root);
  const needsGradient = gradientNeeded(order);
  const curvatures = new Map<Tensor<DType>, Tensor>();
  const grads = new Map<Tensor<DType>, Tensor>();
  curvatures.set(root, filled(root.shape, 0));
  grads.set(root, filled(root.shape, 1));
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const tensor = order[i];
      const curvature = curvatures.get(tensor);
      const grad = grads.get(tensor) ?? null;
      curvatures.delete(tensor);
      grads.delete(tensor);
      if (!curvature) continue;
      const node = tensor.gradNode;
      if (node === null) {
        storeCurvature(tensor, curvature);
        continue;
      }
      const rule = node.curvature!;
      const inputCurvatures = rule.apply(curvature, rule.usesGradient ? grad : null);
      const passGradient = grad !== null && node.inputs.some((input) => needsGradient.has(input));
      const inputGrads = passGradient ? node.backward(grad) : null;
      node.inputs.forEach((input, index) => {
        if (!input.requiresGrad) return;
        const inputCurvature = inputCurvatures[index];
        if (!inputCurvature) {
          throw new Error(
            `${node.op} (curvature): the rule gave no curvature for input ${index}, which requires grad`,
          );
        }
        checkInputShape(node.op, 'curvature', inputCurvature, input, index);
        if (finiteChecks) assertFinite(inputCurvature, `${node.op} (curvature)`);
        accumulate(curvatures, input, inputCurvature);
        const inputGrad = inputGrads?.[index];
        if (inputGrad && needsGradient.has(input)) {
          checkInputShape(node.op, 'backward', inputGrad, input, index);
          accumulate(grads, input, inputGrad);
        }
      });
    }
  } finally {
    gradEnabled = previous;
  }
  if (!options.retainGraph) releaseGraph(order);
}
