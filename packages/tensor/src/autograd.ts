// Reverse-mode automatic differentiation on a dynamic tape, as in PyTorch.
//
// Every op calls `recordOp` on its result. When grad mode is on and an input requires grad,
// the result remembers a `GradNode`: the op's name, its inputs, and a closure mapping the
// output's gradient to its inputs' gradients. `backward` orders the graph reachable from the
// output (an iterative depth-first search: deep graphs cannot overflow the stack), walks it
// from the output back, sums gradients that meet at a tensor, and stores them on leaves that
// require grad (and on non-leaves that called `retainGrad()`), adding to any gradient already
// there. Backward closures run in no-grad mode, so gradients of gradients are not recorded.
//
// After a backward pass the graph is released (each node forgets its inputs and closure) so
// the intermediate tensors can be garbage collected even if the caller keeps the output;
// pass { retainGraph: true } to run backward through the same graph again.
import { getBackend } from './backend/registry.js';
import { markLastCopyElidable, noteAccumulatorStore } from './compile/trace.js';
import { onesLike } from './creation.js';
import { NonFiniteError, ShapeError } from './errors.js';
import { add } from './ops/elementwise.js';
import { copyInto } from './ops/shape.js';
import { contiguousStrides, sameShape } from './shape-utils.js';
import { type DType, type GradNode, Tensor } from './tensor.js';

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
 * input requires grad; `backward` returns one gradient per input (null where not needed;
 * it is only asked for inputs that require grad).
 */
export function recordOp<D extends DType>(
  output: Tensor<D>,
  op: string,
  inputs: readonly Tensor<DType>[],
  backward: (gradOutput: Tensor) => readonly (Tensor | null)[],
): Tensor<D> {
  if (finiteChecks) assertFinite(output, op);
  if (!gradEnabled) return output;
  let anyRequiresGrad = false;
  for (const input of inputs) if (input.requiresGrad) anyRequiresGrad = true;
  if (!anyRequiresGrad) return output;
  output.requiresGrad = true;
  output.gradNode = { op, inputs, backward };
  return output;
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

const releasedNode = (op: string): GradNode => ({
  op,
  inputs: [],
  backward: () => {
    throw new Error(
      `backward: the graph through ${op} was already released by a previous backward(); pass { retainGraph: true } to the first call to go through it twice`,
    );
  },
});

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
  grads.set(root, gradient ?? onesLike(root as Tensor));
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
        if (!sameShape(inputGrad.shape, input.shape)) {
          throw new ShapeError(
            `${node.op} (backward)`,
            [inputGrad.shape],
            `the shape of input ${index}, [${input.shape.join(', ')}]`,
          );
        }
        if (finiteChecks) assertFinite(inputGrad, `${node.op} (backward)`);
        const existing = grads.get(input);
        grads.set(input, existing ? add(existing, inputGrad) : inputGrad);
      });
    }
  } finally {
    gradEnabled = previous;
  }
  if (!options.retainGraph) {
    for (const tensor of order) {
      if (tensor.gradNode) tensor.gradNode = releasedNode(tensor.gradNode.op);
    }
  }
}

/**
 * t.grad += grad, in place once t.grad exists (so a parameter's gradient buffer is reused);
 * otherwise t.grad becomes a private copy (the incoming gradient may be shared with other
 * tensors' gradients). Both are kernel calls and the attachment is a host step, so a compiled
 * program replays exactly this.
 */
function storeGrad(tensor: Tensor<DType>, grad: Tensor): void {
  noteAccumulatorStore(tensor, 'grad');
  const existing = tensor.grad;
  if (existing && sameShape(existing.shape, tensor.shape)) {
    const strides = contiguousStrides(existing.shape);
    getBackend().binary({
      op: 'add',
      shape: existing.shape,
      a: existing.data,
      aStrides: strides,
      b: grad.data,
      bStrides: strides,
      output: existing.data,
    });
    return;
  }
  const copy = Tensor.empty(grad.shape);
  copyInto(copy, grad);
  markLastCopyElidable();
  tensor.grad = copy; // while compile traces, recorded as a host step
}
