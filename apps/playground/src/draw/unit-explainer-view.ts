/** Draws a `UnitExplanation`: windows, kernels, the sum and the squashing, step by step. */
import { RBF_CODE_HEIGHT, RBF_CODE_WIDTH } from '@lenet/nn-layers';
import { formatNumber, h } from '../dom.js';
import { divergingColormap, paint, pixelCanvas } from '../image-canvas.js';
import type { UnitExplanation } from './unit-explainer.js';

const n = (value: number) => formatNumber(value, 4);

function picture(values: Float32Array, width: number, height: number, zoom: number, label: string) {
  let maxAbs = 1e-6;
  for (const value of values) maxAbs = Math.max(maxAbs, Math.abs(value));
  const canvas = pixelCanvas(width, height, zoom, label);
  paint(canvas, values, -maxAbs, maxAbs, divergingColormap);
  return canvas;
}

function squash(activation: string, pre: number, value: number): string {
  return activation === 'scaledTanh'
    ? `1.7159 · tanh(2/3 · ${n(pre)}) = ${n(value)}`
    : activation === 'identity'
      ? `${n(value)}`
      : `${activation}(${n(pre)}) = ${n(value)}`;
}

/** The C3 connection table, the selected map's row highlighted. */
function connectionTable(table: Uint8Array, inChannels: number, selected: number): HTMLElement {
  const outChannels = table.length / inChannels;
  return h(
    'table',
    { class: 'connection-table', 'aria-label': 'C3 connection table' },
    h(
      'tr',
      null,
      h('th', { scope: 'col' }, 'S2 map'),
      ...Array.from({ length: outChannels }, (_, o) =>
        h('th', { scope: 'col', class: o === selected ? 'selected' : null }, String(o)),
      ),
    ),
    ...Array.from({ length: inChannels }, (_, c) =>
      h(
        'tr',
        null,
        h('th', { scope: 'row' }, String(c)),
        ...Array.from({ length: outChannels }, (_, o) =>
          h(
            'td',
            { class: o === selected ? 'selected' : null },
            table[o * inChannels + c] ? 'X' : '',
          ),
        ),
      ),
    ),
  );
}

export function renderExplanation(explanation: UnitExplanation): HTMLElement[] {
  const name = explanation.layer.toUpperCase();
  const check = h(
    'p',
    { class: 'hint', 'data-testid': 'explain-check' },
    `The layer output ${n(explanation.actual)} for this unit.`,
  );
  switch (explanation.kind) {
    case 'conv': {
      const k = explanation.kernelSize;
      const source = explanation.layer === 'c1' ? 'input' : 'map';
      const terms = explanation.terms.map((term) =>
        h(
          'figure',
          { class: 'explain-term' },
          picture(term.window, k, k, 8, `${source} ${term.channel} window`),
          h('span', { 'aria-hidden': 'true' }, '×'),
          picture(term.kernel, k, k, 8, `kernel for ${source} ${term.channel}`),
          h(
            'figcaption',
            { class: 'mono' },
            `${explanation.layer === 'c1' ? 'input' : `in ${term.channel}`}: Σ = ${n(term.partial)}`,
          ),
        ),
      );
      const sum = explanation.terms.reduce((total, term) => total + term.partial, 0);
      const items: (HTMLElement | null)[] = [
        h(
          'p',
          null,
          `${name} map ${explanation.map}, unit (${explanation.x}, ${explanation.y}): each ${k}x${k} window of the ${explanation.terms.length} input map${explanation.terms.length === 1 ? '' : 's'} it reads, times its kernel, summed.`,
        ),
        explanation.table
          ? h(
              'div',
              { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Connections' },
              connectionTable(explanation.table, explanation.inChannels, explanation.map),
            )
          : null,
        h('div', { class: 'explain-terms' }, ...terms),
        h(
          'p',
          { class: 'mono explain-sum', 'data-testid': 'explain-sum' },
          `a = ${n(sum)} + bias ${n(explanation.bias)} = ${n(explanation.preActivation)}; value = ${squash(explanation.activation, explanation.preActivation, explanation.value)}`,
        ),
        check,
      ];
      return items.filter((item): item is HTMLElement => item !== null);
    }
    case 'subsampling':
      return [
        h(
          'p',
          null,
          `${name} map ${explanation.map}, unit (${explanation.x}, ${explanation.y}): the sum of a 2x2 window of the map before, times the map's coefficient, plus its bias.`,
        ),
        h('div', { class: 'explain-terms' }, picture(explanation.window, 2, 2, 20, 'input window')),
        h(
          'p',
          { class: 'mono explain-sum', 'data-testid': 'explain-sum' },
          `a = ${n(explanation.sum)} × coefficient ${n(explanation.coefficient)} + bias ${n(explanation.bias)} = ${n(explanation.preActivation)}; value = ${squash(explanation.activation, explanation.preActivation, explanation.value)}`,
        ),
        check,
      ];
    case 'linear':
      return [
        h(
          'p',
          null,
          `${name} unit ${explanation.unit}: every one of the ${explanation.inputs.length} values before it, times its weight, summed.`,
        ),
        h(
          'div',
          { class: 'explain-terms' },
          h(
            'figure',
            { class: 'explain-term' },
            picture(explanation.inputs, 12, Math.ceil(explanation.inputs.length / 12), 8, 'inputs'),
            h('figcaption', null, 'inputs'),
          ),
          h(
            'figure',
            { class: 'explain-term' },
            picture(
              explanation.weights,
              12,
              Math.ceil(explanation.weights.length / 12),
              8,
              'weights',
            ),
            h('figcaption', null, 'weights'),
          ),
        ),
        h(
          'p',
          { class: 'mono explain-sum', 'data-testid': 'explain-sum' },
          `a = Σ w·x ${n(explanation.preActivation - explanation.bias)} + bias ${n(explanation.bias)} = ${n(explanation.preActivation)}; value = ${squash(explanation.activation, explanation.preActivation, explanation.value)}`,
        ),
        check,
      ];
    case 'rbf':
      return [
        h(
          'p',
          null,
          `Output ${explanation.unit}: the squared distance between F6's 84 values and the RBF code of ${explanation.unit} (a stylised 7x12 bitmap of the digit); the smallest names the answer.`,
        ),
        h(
          'div',
          { class: 'explain-terms' },
          ...(
            [
              [explanation.f6, 'F6'],
              [explanation.code, `code of ${explanation.unit}`],
              [explanation.squares, '(F6 − code)²'],
            ] as const
          ).map(([values, label]) =>
            h(
              'figure',
              { class: 'explain-term' },
              picture(values, RBF_CODE_WIDTH, RBF_CODE_HEIGHT, 8, label),
              h('figcaption', null, label),
            ),
          ),
        ),
        h(
          'p',
          { class: 'mono explain-sum', 'data-testid': 'explain-sum' },
          `distance² = Σ (F6 − code)² = ${n(explanation.value)}`,
        ),
        check,
      ];
  }
}
