/**
 * The backward pass as a list of steps over an exported graph (`toGraph`), for stepping
 * through it on screen: first the seed (d out / d out = 1), then one step per computed node in
 * reverse topological order, each pushing that node's gradient into its inputs with the
 * chain rule. The gradient rules repeat the engine's; the tests check the final gradients
 * against `Value.backward()`.
 */
import type { Graph, GraphNode } from '@lenet/autograd-scalar';

export interface Contribution {
  /** The input node that receives gradient. */
  to: number;
  /** d node / d input. */
  local: number;
  /** local * node.grad, added to the input's grad. */
  amount: number;
}

export interface BackwardStep {
  /** The node whose gradient is pushed back (the root for the seed step). */
  node: number;
  contributions: Contribution[];
  /** Every node's gradient after this step. */
  grads: Float64Array;
}

/** d node / d input `input`, given the inputs' data. */
export function localDerivative(
  node: GraphNode,
  inputs: readonly GraphNode[],
  input: number,
): number {
  const a = inputs[0].data;
  const b = inputs[1]?.data ?? 0;
  switch (node.op) {
    case 'add':
      return 1;
    case 'sub':
      return input === 0 ? 1 : -1;
    case 'mul':
      return input === 0 ? b : a;
    case 'div':
      return input === 0 ? 1 / b : -a / (b * b);
    case 'neg':
      return -1;
    case 'pow': {
      const n = node.exponent ?? 0;
      return n === 0 ? 0 : n * a ** (n - 1);
    }
    case 'exp':
      return node.data;
    case 'log':
      return 1 / a;
    case 'tanh':
      return 1 - node.data * node.data;
    case 'sigmoid':
      return node.data * (1 - node.data);
    case 'relu':
      return a > 0 ? 1 : 0;
    default:
      throw new Error(`backward: no gradient rule for op '${node.op}'`);
  }
}

/** The inputs of every node, in input order. */
export function inputsOf(graph: Graph): number[][] {
  const inputs: number[][] = graph.nodes.map(() => []);
  for (const edge of graph.edges) inputs[edge.to][edge.input] = edge.from;
  return inputs;
}

/** Seed step, then one step per computed node from the root back (nodes are in topological order). */
export function backwardSteps(graph: Graph): BackwardStep[] {
  const count = graph.nodes.length;
  if (count === 0) return [];
  const root = count - 1;
  const inputs = inputsOf(graph);
  const grads = new Float64Array(count);
  grads[root] = 1;
  const steps: BackwardStep[] = [{ node: root, contributions: [], grads: grads.slice() }];
  for (let id = root; id >= 0; id--) {
    const node = graph.nodes[id];
    if (node.op === '') continue;
    const nodeInputs = inputs[id].map((input) => graph.nodes[input]);
    const contributions = inputs[id].map((to, position) => {
      const local = localDerivative(node, nodeInputs, position);
      return { to, local, amount: local * grads[id] };
    });
    for (const { to, amount } of contributions) grads[to] += amount;
    steps.push({ node: id, contributions, grads: grads.slice() });
  }
  return steps;
}
