/**
 * Draws an exported autograd graph (`toGraph`) as SVG, laid out left to right by dagre: a
 * box per value (label, data, grad) and a circle per op between a value and its inputs.
 * Kept apart from the engine: it reads only the plain node/edge trace.
 */

import { Graph as LayoutGraph, layout } from '@dagrejs/dagre';
import { type Graph, opSymbol } from '@lenet/autograd-scalar';
import { formatNumber, svg } from '../dom.js';

const BOX_HEIGHT = 58;
const OP_RADIUS = 17;
const CHARACTER_WIDTH = 7.6;

export interface GraphView {
  element: SVGSVGElement;
  /** Shows gradients (`null` = not computed yet) and highlights the current step. */
  update(state: {
    grads: ArrayLike<number> | null;
    current: number | null;
    receiving: readonly number[];
  }): void;
}

/** A node's name on screen: its label, or t<id> for an unnamed intermediate value. */
export function nodeTitle(node: Graph['nodes'][number]): string {
  if (node.label !== '') return node.label;
  return node.op === '' ? 'const' : `t${node.id}`;
}

export function renderGraph(graph: Graph, direction: 'LR' | 'TB' = 'LR'): GraphView {
  const layoutGraph = new LayoutGraph();
  layoutGraph.setGraph({ rankdir: direction, nodesep: 18, ranksep: 34, marginx: 12, marginy: 12 });
  layoutGraph.setDefaultEdgeLabel(() => ({}));
  const widths = graph.nodes.map((node) => {
    const longest = Math.max(
      nodeTitle(node).length,
      `data ${formatNumber(node.data)}`.length,
      'grad -0.0000'.length,
    );
    return Math.max(96, Math.ceil(longest * CHARACTER_WIDTH) + 20);
  });
  for (const node of graph.nodes) {
    layoutGraph.setNode(`v${node.id}`, { width: widths[node.id], height: BOX_HEIGHT });
    if (node.op !== '') {
      layoutGraph.setNode(`op${node.id}`, { width: 2 * OP_RADIUS, height: 2 * OP_RADIUS });
      layoutGraph.setEdge(`op${node.id}`, `v${node.id}`);
    }
  }
  for (const edge of graph.edges) layoutGraph.setEdge(`v${edge.from}`, `op${edge.to}`);
  layout(layoutGraph);
  const { width = 0, height = 0 } = layoutGraph.graph();

  const root = svg('svg', {
    class: 'autograd-graph',
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': 'Computation graph',
  });
  root.append(
    svg(
      'defs',
      {},
      svg(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 8,
          markerHeight: 8,
          markerUnits: 'userSpaceOnUse',
          orient: 'auto-start-reverse',
        },
        svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }),
      ),
    ),
  );
  const edgeLayer = svg('g', { class: 'edges' });
  const nodeLayer = svg('g', { class: 'nodes' });
  root.append(edgeLayer, nodeLayer);

  const edgePaths = new Map<string, SVGPathElement>();
  for (const edge of layoutGraph.edges()) {
    const points: { x: number; y: number }[] = layoutGraph.edge(edge).points ?? [];
    const d = points.map((point, i) => `${i === 0 ? 'M' : 'L'}${point.x},${point.y}`).join(' ');
    const path = svg('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' });
    edgePaths.set(`${edge.v}->${edge.w}`, path);
    edgeLayer.append(path);
  }

  const gradTexts: SVGTextElement[] = [];
  const boxes: SVGGElement[] = [];
  for (const node of graph.nodes) {
    const position = layoutGraph.node(`v${node.id}`);
    const boxWidth = widths[node.id];
    const x = position.x - boxWidth / 2;
    const y = position.y - BOX_HEIGHT / 2;
    const title = nodeTitle(node);
    const grad = svg('text', { x: x + 10, y: y + 49, class: 'grad' }, 'grad ·');
    const box = svg(
      'g',
      {
        class: `value-node ${node.op === '' ? 'leaf' : 'computed'}`,
        'data-node': node.id,
        'data-label': node.label,
        'data-data': node.data,
      },
      svg('rect', { x, y, width: boxWidth, height: BOX_HEIGHT, rx: 8 }),
      svg('text', { x: x + 10, y: y + 17, class: 'title' }, title),
      svg('text', { x: x + 10, y: y + 33, class: 'data' }, `data ${formatNumber(node.data)}`),
      grad,
    );
    gradTexts.push(grad);
    boxes.push(box);
    nodeLayer.append(box);
    if (node.op !== '') {
      const op = layoutGraph.node(`op${node.id}`);
      nodeLayer.append(
        svg(
          'g',
          { class: 'op-node' },
          svg('circle', { cx: op.x, cy: op.y, r: OP_RADIUS }),
          svg('text', { x: op.x, y: op.y + 5, 'text-anchor': 'middle' }, opSymbol(node)),
        ),
      );
    }
  }

  return {
    element: root,
    update({ grads, current, receiving }) {
      for (let id = 0; id < graph.nodes.length; id++) {
        const box = boxes[id];
        const known =
          grads !== null && (id === current || grads[id] !== 0 || receiving.includes(id));
        const shown = grads === null ? 'grad ·' : `grad ${formatNumber(grads[id])}`;
        gradTexts[id].textContent = shown;
        box.setAttribute('data-grad', grads === null ? '' : String(grads[id]));
        box.classList.toggle('has-grad', known);
        box.classList.toggle('current', id === current);
        box.classList.toggle('receiving', receiving.includes(id));
      }
      for (const [key, path] of edgePaths) {
        const active =
          current !== null &&
          (key === `op${current}->v${current}` ||
            receiving.some((id) => key === `v${id}->op${current}`));
        path.classList.toggle('active', active);
      }
    },
  };
}
