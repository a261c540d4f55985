import { topologicalOrder, type Value } from './value.js';

/** A value in the exported graph. `id` is its index in `nodes` (parents come first). */
export interface GraphNode {
  id: number;
  label: string;
  data: number;
  grad: number;
  /** The op that made it ('' for a leaf). */
  op: string;
  /** The exponent of a 'pow' node. */
  exponent?: number;
}

/** `from` is an input of `to`; `input` is its position (0 or 1). */
export interface GraphEdge {
  from: number;
  to: number;
  input: number;
}

/** The graph of everything `root` depends on, as plain JSON-ready data. */
export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Exports the graph under `root` (walked iteratively, so any depth works). */
export function toGraph(root: Value): Graph {
  const order = topologicalOrder(root);
  const ids = new Map<Value, number>();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const value of order) {
    const id = nodes.length;
    ids.set(value, id);
    const node: GraphNode = {
      id,
      label: value.label,
      data: value.data,
      grad: value.grad,
      op: value.op,
    };
    if (value.op === 'pow') node.exponent = value.exponent;
    nodes.push(node);
    value.parents.forEach((parent, input) => {
      edges.push({ from: ids.get(parent)!, to: id, input });
    });
  }
  return { nodes, edges };
}

const opSymbols: Record<string, string> = {
  add: '+',
  sub: '-',
  mul: '*',
  div: '/',
  neg: 'neg',
};

/** How an op node is drawn: '+', '*', '^2', 'tanh', ... */
export function opSymbol(node: Pick<GraphNode, 'op' | 'exponent'>): string {
  if (node.op === 'pow') return `^${node.exponent}`;
  return opSymbols[node.op] ?? node.op;
}

/**
 * Graphviz DOT for the graph under `root`, left to right: one record per value showing its
 * label, data and grad, and an op node between every computed value and its inputs.
 * Render with `dot -Tsvg graph.dot > graph.svg`.
 */
export function toDot(root: Value, options: { digits?: number } = {}): string {
  const digits = options.digits ?? 4;
  const { nodes, edges } = toGraph(root);
  const lines = ['digraph autograd {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const node of nodes) {
    const label = node.label === '' ? '' : `${escapeRecord(node.label)} | `;
    const fields = `${label}data ${node.data.toFixed(digits)} | grad ${node.grad.toFixed(digits)}`;
    lines.push(`  v${node.id} [shape=record, label="{ ${fields} }"];`);
    if (node.op !== '') {
      lines.push(`  op${node.id} [shape=ellipse, label="${escapeRecord(opSymbol(node))}"];`);
      lines.push(`  op${node.id} -> v${node.id};`);
    }
  }
  for (const edge of edges) lines.push(`  v${edge.from} -> op${edge.to};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

// Characters with a meaning inside a DOT record label.
function escapeRecord(text: string): string {
  return text.replace(/[\\"{}|<>]/g, (character) => `\\${character}`);
}
