import {
  type AdderCase,
  AdderNetwork,
  adderCases,
  architectureName,
  evaluateAdder,
  Random,
} from '@lenet/autograd-scalar';
import type { AppContext } from '../app-context.js';
import { formatNumber, h, slider } from '../dom.js';
import type { Panel } from '../panel.js';
import { decodeParams, encodeParams, field, type Values } from '../url-state.js';
import './adder.css';

const schema = {
  bits: field.number(2, 1, 3, true),
  hidden: field.number(3, 1, 8, true),
  direct: field.boolean(true),
  lr: field.number(0.5, 0.01, 4),
  momentum: field.number(0.9, 0, 0.99),
  seed: field.number(3, 0, 50, true),
  speed: field.number(2, 1, 50, true),
};

/**
 * When Train stops by itself: once every case is right (as `trainAdder` does), or after this
 * many epochs without that (its default `maxEpochs`): the run is then stuck in a local minimum.
 */
export const MAX_EPOCHS = 5000;

/**
 * The adder of Rumelhart, Hinton & Williams (1986) trained live with the scalar engine: every
 * epoch is one `Value` graph over all cases, one `backward()`, one momentum step, exactly as
 * `trainAdder` of @lenet/autograd-scalar does it, run a few epochs per animation frame.
 */
export function mount(root: HTMLElement, context: AppContext): Panel {
  let settings: Values<typeof schema> = decodeParams(schema, context.url.params('adder'));
  let cases: AdderCase[] = [];
  let network: AdderNetwork;
  let velocity = new Float64Array(0);
  let epoch = 0;
  let errors: number[] = [];
  let solvedAt: number | null = null;
  let running = false;
  let visible = true;
  let frame = 0;

  const status = h('p', { class: 'adder-status', 'aria-live': 'polite' });
  const stopReason = h('p', { class: 'hint', role: 'status', 'data-testid': 'adder-stop' });
  const table = h('table', { class: 'truth-table' });
  const chart = h('canvas', {
    class: 'error-chart',
    width: 520,
    height: 140,
    'aria-label': 'Error per epoch',
  });
  const runButton = h(
    'button',
    { class: 'primary', 'data-action': 'run', onclick: () => toggle() },
    'Train',
  );
  const stepButton = h('button', { onclick: () => step(1) }, 'One epoch');
  const resetButton = h('button', { onclick: () => reset() }, 'Reset');
  const directInput = h('input', {
    type: 'checkbox',
    checked: settings.direct,
    onchange: () => change({ direct: directInput.checked }),
  });
  const sliders = [
    slider({
      label: 'Bits per number',
      min: 1,
      max: 3,
      step: 1,
      value: settings.bits,
      onInput: (bits) => change({ bits }),
    }),
    slider({
      label: 'Hidden units',
      min: 1,
      max: 8,
      step: 1,
      value: settings.hidden,
      onInput: (hidden) => change({ hidden }),
    }),
    slider({
      label: 'Learning rate',
      min: 0.05,
      max: 2,
      step: 0.05,
      value: settings.lr,
      onInput: (lr) => change({ lr }, false),
    }),
    slider({
      label: 'Momentum',
      min: 0,
      max: 0.95,
      step: 0.05,
      value: settings.momentum,
      onInput: (momentum) => change({ momentum }, false),
    }),
    slider({
      label: 'Seed',
      min: 0,
      max: 50,
      step: 1,
      value: settings.seed,
      onInput: (seed) => change({ seed }),
    }),
    slider({
      label: 'Epochs per frame',
      min: 1,
      max: 50,
      step: 1,
      value: settings.speed,
      onInput: (speed) => change({ speed }, false),
    }),
  ];

  root.append(
    h(
      'div',
      { class: 'two-columns' },
      h(
        'div',
        { class: 'card stack' },
        h('h3', null, 'Network'),
        ...sliders.map((item) => item.element),
        h('label', { class: 'checkbox' }, directInput, ' Inputs also feed the outputs directly'),
        h('div', { class: 'row' }, runButton, stepButton, resetButton),
        status,
        stopReason,
        chart,
        h(
          'p',
          { class: 'hint' },
          `Train stops by itself once every case is right, or after ${MAX_EPOCHS.toLocaleString('en')} epochs (then it is stuck). Rumelhart, Hinton & Williams (1986) used this problem to show local minima. In our runs (3,000 epochs, seeds 0-3): 4-3-3 with direct connections learned only from seed 3 (105 epochs), 4-3-3 without them never, 4-4-3 without them from 3 of 4 seeds. Try other seeds and sizes.`,
        ),
      ),
      h(
        'div',
        { class: 'card' },
        h('h3', null, 'Truth table'),
        h(
          'p',
          { class: 'hint' },
          'A row turns green when every output bit is on the right side of 0.5. Hidden units are shown as grey levels (white 0, black 1).',
        ),
        h(
          'div',
          { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Truth table' },
          table,
        ),
      ),
    ),
  );

  function change(patch: Partial<Values<typeof schema>>, rebuild = true): void {
    settings = { ...settings, ...patch };
    context.url.write('adder', encodeParams(schema, settings));
    if (rebuild) reset();
  }

  function reset(): void {
    cases = adderCases(settings.bits);
    network = new AdderNetwork(
      settings.bits,
      { hidden: settings.hidden, direct: settings.direct },
      { random: new Random(settings.seed) },
    );
    velocity = new Float64Array(network.parameters().length);
    epoch = 0;
    errors = [];
    solvedAt = null;
    stopReason.textContent = '';
    delete stopReason.dataset.reason;
    buildTable();
    render(evaluateAdder(network, cases));
  }

  /**
   * `count` epochs of gradient descent with momentum (fewer when `untilSolved` and every case
   * becomes right); draws the latest evaluation.
   */
  function step(count: number, untilSolved = false): void {
    const parameters = network.parameters();
    let evaluation = evaluateAdder(network, cases);
    for (let i = 0; i < count; i++) {
      network.zeroGrad();
      evaluation.error.backward();
      for (let p = 0; p < parameters.length; p++) {
        const change = -settings.lr * parameters[p].grad + settings.momentum * velocity[p];
        parameters[p].data += change;
        velocity[p] = change;
      }
      epoch++;
      evaluation = evaluateAdder(network, cases);
      errors.push(evaluation.error.data);
      if (evaluation.accuracy === 1 && solvedAt === null) solvedAt = epoch;
      if (untilSolved && evaluation.accuracy === 1) break;
    }
    render(evaluation);
  }

  function toggle(): void {
    running = !running;
    runButton.textContent = running ? 'Pause' : 'Train';
    if (running) {
      stopReason.textContent = '';
      loop();
    }
  }

  function loop(): void {
    cancelAnimationFrame(frame);
    if (!running || !visible) return;
    step(Math.min(settings.speed, MAX_EPOCHS - epoch), true);
    const solved = evaluateAdder(network, cases).accuracy === 1;
    if (solved || epoch >= MAX_EPOCHS) {
      toggle();
      stopReason.textContent = solved
        ? `Stopped: every case is right (epoch ${epoch}).`
        : `Stopped after ${MAX_EPOCHS.toLocaleString('en')} epochs without every case right: a local minimum. Try another seed, more hidden units or direct connections.`;
      stopReason.dataset.reason = solved ? 'solved' : 'stuck';
      return;
    }
    frame = requestAnimationFrame(loop);
  }

  const cells: {
    row: HTMLTableRowElement;
    outputs: HTMLTableCellElement[];
    hidden: HTMLTableCellElement[];
  }[] = [];

  function buildTable(): void {
    cells.length = 0;
    const bits = settings.bits;
    table.replaceChildren(
      h(
        'tr',
        null,
        h('th', null, 'a + b'),
        h('th', null, 'inputs'),
        h('th', null, 'target'),
        h('th', { colspan: bits + 1 }, 'outputs'),
        h('th', { colspan: settings.hidden }, 'hidden units'),
      ),
    );
    for (const item of cases) {
      const outputs = item.targets.map(() => h('td', { class: 'bit mono' }));
      const hidden = Array.from({ length: settings.hidden }, () => h('td', { class: 'unit' }));
      const row = h(
        'tr',
        null,
        h('td', { class: 'mono' }, `${item.a} + ${item.b} = ${item.a + item.b}`),
        h(
          'td',
          { class: 'mono' },
          `${item.inputs.slice(0, bits).join('')} ${item.inputs.slice(bits).join('')}`,
        ),
        h('td', { class: 'mono' }, item.targets.join('')),
        ...outputs,
        ...hidden,
      );
      cells.push({ row, outputs, hidden });
      table.append(row);
    }
  }

  function render(evaluation: { error: { data: number }; accuracy: number }): void {
    cases.forEach((item, index) => {
      const hidden = network.hidden.forward(item.inputs).map((value) => value.data);
      const outputs = network.forward(item.inputs).map((value) => value.data);
      const cell = cells[index];
      let right = true;
      outputs.forEach((output, bit) => {
        const correct = output > 0.5 === (item.targets[bit] === 1);
        if (!correct) right = false;
        const td = cell.outputs[bit];
        td.textContent = output.toFixed(2);
        td.classList.toggle('wrong', !correct);
      });
      hidden.forEach((activation, unit) => {
        const grey = Math.round(255 * (1 - activation));
        const td = cell.hidden[unit];
        td.style.background = `rgb(${grey},${grey},${grey})`;
        td.title = `hidden ${unit + 1}: ${activation.toFixed(3)}`;
      });
      cell.row.classList.toggle('solved', right);
    });
    const right = Math.round(evaluation.accuracy * cases.length);
    const name = architectureName(settings.bits, {
      hidden: settings.hidden,
      direct: settings.direct,
    });
    status.textContent = `${name} · epoch ${epoch} · error ${formatNumber(evaluation.error.data)} · ${right}/${cases.length} right${
      solvedAt !== null ? ` · solved at epoch ${solvedAt}` : ''
    }`;
    status.dataset.right = String(right);
    drawChart();
  }

  function drawChart(): void {
    const context2d = chart.getContext('2d')!;
    const { width, height } = chart;
    context2d.clearRect(0, 0, width, height);
    context2d.fillStyle = '#fafbfe';
    context2d.fillRect(0, 0, width, height);
    if (errors.length < 2) return;
    const maxError = Math.max(...errors);
    const left = 6;
    const top = 8;
    const plotWidth = width - 12;
    const plotHeight = height - 16;
    context2d.strokeStyle = '#2f6fed';
    context2d.lineWidth = 2;
    context2d.beginPath();
    const stride = Math.max(1, Math.floor(errors.length / plotWidth));
    for (let i = 0; i < errors.length; i += stride) {
      const x = left + (i / (errors.length - 1)) * plotWidth;
      const y = top + (1 - errors[i] / maxError) * plotHeight;
      if (i === 0) context2d.moveTo(x, y);
      else context2d.lineTo(x, y);
    }
    context2d.stroke();
    context2d.fillStyle = '#55607a';
    context2d.font = '12px system-ui, sans-serif';
    context2d.fillText(`error (max ${formatNumber(maxError)})`, left + 4, top + 12);
    context2d.fillText(`epoch ${epoch}`, width - 90, height - 6);
  }

  reset();

  return {
    schema,
    show() {
      visible = true;
      if (running) loop();
    },
    hide() {
      visible = false;
      cancelAnimationFrame(frame);
    },
    applyParams(params) {
      settings = decodeParams(schema, params);
      directInput.checked = settings.direct;
      const values = [
        settings.bits,
        settings.hidden,
        settings.lr,
        settings.momentum,
        settings.seed,
        settings.speed,
      ];
      sliders.forEach((item, i) => {
        item.set(values[i]);
      });
      reset();
    },
  };
}
