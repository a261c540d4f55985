import { opSymbol, toGraph } from '@lenet/autograd-scalar';
import type { AppContext } from '../app-context.js';
import { formatNumber, h, setDisabled } from '../dom.js';
import type { Panel } from '../panel.js';
import { decodeParams, encodeParams, field } from '../url-state.js';
import { type BackwardStep, backwardSteps } from './backward-steps.js';
import { buildValue, parseAssignments, parseEquation } from './expression.js';
import { type GraphView, nodeTitle, renderGraph } from './graph-view.js';
import { PRESETS } from './presets.js';
import './backprop.css';

const schema = {
  expr: field.text(PRESETS[0].expression, 300),
  values: field.text(PRESETS[0].values, 300),
};

export function mount(root: HTMLElement, context: AppContext): Panel {
  let state = decodeParams(schema, context.url.params('backprop'));
  let graph: ReturnType<typeof toGraph> | null = null;
  let steps: BackwardStep[] = [];
  let view: GraphView | null = null;
  /** -1: forward pass only; otherwise the index of the last step applied. */
  let stepIndex = -1;

  const presetSelect = h(
    'select',
    {
      'aria-label': 'Example expressions',
      onchange: () => {
        const preset = PRESETS[Number(presetSelect.value)];
        if (!preset) return;
        expressionInput.value = preset.expression;
        valuesInput.value = preset.values;
        run();
      },
    },
    h('option', { value: '' }, 'Examples...'),
    ...PRESETS.map((preset, i) => h('option', { value: i }, preset.title)),
  );
  const expressionInput = h('input', {
    type: 'text',
    name: 'expression',
    'aria-label': 'Expression',
    spellcheck: 'false',
    autocomplete: 'off',
    value: state.expr,
    onkeydown: (event: KeyboardEvent) => event.key === 'Enter' && run(),
  });
  const valuesInput = h('input', {
    type: 'text',
    name: 'values',
    'aria-label': 'Values of the variables',
    spellcheck: 'false',
    autocomplete: 'off',
    value: state.values,
    onkeydown: (event: KeyboardEvent) => event.key === 'Enter' && run(),
  });
  const message = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const forwardButton = h('button', { class: 'primary', onclick: () => run() }, 'Forward');
  const backwardButton = h(
    'button',
    { class: 'primary', 'data-action': 'backward', onclick: () => goTo(steps.length - 1) },
    'Backward',
  );
  const previousButton = h(
    'button',
    { 'aria-label': 'Previous step', onclick: () => goTo(stepIndex - 1) },
    '◀ Step',
  );
  const nextButton = h(
    'button',
    { 'aria-label': 'Next step', 'data-action': 'step', onclick: () => goTo(stepIndex + 1) },
    'Step ▶',
  );
  const resetButton = h('button', { onclick: () => goTo(-1) }, 'Clear grads');
  const stepText = h('p', { class: 'step-text', 'aria-live': 'polite' });
  const graphHolder = h('div', { class: 'graph-holder', tabindex: 0 });
  const leafTable = h('table', { class: 'leaf-table' });

  root.append(
    h(
      'div',
      { class: 'grid' },
      h(
        'div',
        { class: 'card backprop-controls' },
        h(
          'div',
          { class: 'expression-row' },
          h('label', { class: 'field grow' }, h('span', null, 'Expression'), expressionInput),
          h('label', { class: 'field' }, h('span', null, 'Values'), valuesInput),
          h('label', { class: 'field' }, h('span', null, 'Or pick one'), presetSelect),
        ),
        h(
          'div',
          { class: 'row' },
          forwardButton,
          backwardButton,
          previousButton,
          nextButton,
          resetButton,
        ),
        message,
        stepText,
      ),
      h(
        'div',
        { class: 'backprop-main' },
        h(
          'div',
          { class: 'card' },
          h('h3', null, 'Computation graph'),
          h(
            'p',
            { class: 'hint' },
            'Values flow left to right. The backward pass visits each computed node once, from the output back, after every node that uses it: its gradient is then complete and the chain rule pushes it into its inputs.',
          ),
          graphHolder,
        ),
        h(
          'div',
          { class: 'card' },
          h('h3', null, 'Inputs'),
          leafTable,
          h(
            'p',
            { class: 'hint' },
            'A variable used twice gets the sum of both paths: in z = x*y + x^2, dz/dx = y + 2x.',
          ),
        ),
      ),
    ),
  );

  function run(): void {
    state = { expr: expressionInput.value, values: valuesInput.value };
    context.url.write('backprop', encodeParams(schema, state));
    try {
      const equation = parseEquation(state.expr);
      const root = buildValue(equation, parseAssignments(state.values));
      graph = toGraph(root);
      steps = backwardSteps(graph);
      message.textContent = `${equation.name} = ${formatNumber(root.data, 6)}`;
      message.classList.remove('error');
    } catch (error) {
      graph = null;
      steps = [];
      message.textContent = (error as Error).message;
      message.classList.add('error');
    }
    view = graph ? renderGraph(graph) : null;
    graphHolder.replaceChildren(...(view ? [view.element] : []));
    goTo(-1);
  }

  function describeStep(step: BackwardStep): string {
    if (!graph) return '';
    const name = (id: number) => nodeTitle(graph!.nodes[id]);
    if (step.contributions.length === 0) {
      return `Seed: d${name(step.node)}/d${name(step.node)} = 1.`;
    }
    const grad = step.grads[step.node];
    const parts = step.contributions.map(
      ({ to, local, amount }) =>
        `${name(to)}.grad += ${formatNumber(local)} × ${formatNumber(grad)} = ${formatNumber(amount)}`,
    );
    const node = graph.nodes[step.node];
    const inputs = step.contributions.map(({ to }) => name(to));
    const formula =
      inputs.length === 2
        ? `${inputs[0]} ${opSymbol(node)} ${inputs[1]}`
        : node.op === 'pow'
          ? `${inputs[0]}${opSymbol(node)}`
          : `${opSymbol(node)}(${inputs[0]})`;
    return `${name(step.node)} = ${formula}: ${parts.join('; ')}.`;
  }

  function goTo(index: number): void {
    stepIndex = Math.max(-1, Math.min(index, steps.length - 1));
    const step = stepIndex >= 0 ? steps[stepIndex] : null;
    view?.update({
      grads: step ? step.grads : null,
      current: step ? step.node : null,
      receiving: step ? step.contributions.map((contribution) => contribution.to) : [],
    });
    stepText.textContent = step
      ? `Step ${stepIndex + 1} of ${steps.length}. ${describeStep(step)}`
      : graph
        ? 'Press Backward for every gradient at once, or Step to walk the backward pass.'
        : '';
    const disabled = new Map([
      [previousButton, stepIndex < 0],
      [nextButton, stepIndex >= steps.length - 1],
      [backwardButton, steps.length === 0 || stepIndex === steps.length - 1],
      [resetButton, stepIndex < 0],
    ]);
    // Enable first, so a button that loses the focus can hand it to one that is enabled.
    for (const [button, off] of disabled) if (!off) setDisabled(button, false);
    for (const [button, off] of disabled) {
      if (off) setDisabled(button, true, previousButton, resetButton, nextButton, forwardButton);
    }
    renderLeaves(step);
  }

  function renderLeaves(step: BackwardStep | null): void {
    leafTable.replaceChildren(
      h('tr', null, h('th', null, 'name'), h('th', null, 'value'), h('th', null, 'gradient')),
    );
    if (!graph) return;
    for (const node of graph.nodes) {
      if (node.op !== '' || /^[-\d.]/.test(node.label)) continue;
      const grad = step ? step.grads[node.id] : null;
      leafTable.append(
        h(
          'tr',
          null,
          h('td', { class: 'mono' }, node.label),
          h('td', { class: 'mono' }, formatNumber(node.data)),
          h(
            'td',
            { class: 'mono', 'data-grad-of': node.label },
            grad === null ? '·' : formatNumber(grad),
          ),
        ),
      );
    }
  }

  run();

  return {
    schema,
    applyParams(params) {
      state = decodeParams(schema, params);
      expressionInput.value = state.expr;
      valuesInput.value = state.values;
      run();
    },
  };
}
