import type { Dataset } from '@lenet/datasets-mnist';
import type { AppContext } from '../app-context.js';
import { calibratedProbabilities } from '../confidence/calibration.js';
import { formatNumber, h } from '../dom.js';
import { divergingColormap, paint, pixelCanvas } from '../image-canvas.js';
import type { LoadedModel } from '../models.js';
import { inputSize, type Prediction, predict } from '../network.js';
import type { Panel } from '../panel.js';
import { decodeParams, encodeParams, field } from '../url-state.js';
import { createDrawingPad, PAD_SIZE } from './drawing-pad.js';
import { LayerView } from './layer-view.js';
import {
  FIELD,
  PADDED,
  PAPER_BACKGROUND,
  PAPER_FOREGROUND,
  padToPaperScale,
  preprocessDrawing,
} from './preprocess.js';
import { explainUnit, type UnitRef } from './unit-explainer.js';
import { renderExplanation } from './unit-explainer-view.js';
import './draw.css';

const schema = {
  test: field.number(-1, -1, 9999, true),
  model: field.choice(['shipped', 'trained'] as const, 'shipped'),
};

export function mount(root: HTMLElement, context: AppContext): Panel {
  let state = decodeParams(schema, context.url.params('draw'));
  let loaded: LoadedModel | null = null;
  let testSet: Dataset | null = null;
  let pending = 0;
  /** A test digit shown exactly as the data set has it, until the user draws over it. */
  let exactField: Float32Array | null = null;

  const pad = createDrawingPad(() => {
    // Cleared with the keyboard: the test digit is gone too.
    if (pad.isEmpty()) exactField = null;
    schedule();
  });
  pad.element.addEventListener('pointerdown', () => {
    exactField = null;
  });
  const fieldCanvas = pixelCanvas(FIELD, FIELD, 5, '28 by 28 digit, centred by mass');
  const paddedCanvas = pixelCanvas(PADDED, PADDED, 4, '32 by 32 input in the paper scale');
  const predictionDigit = h(
    'div',
    { class: 'prediction-digit', 'data-testid': 'prediction', 'aria-live': 'polite' },
    '?',
  );
  const predictionNote = h(
    'p',
    { class: 'hint', 'data-testid': 'prediction-note' },
    'Draw a digit in the box.',
  );
  /** On a phone: the answer in one line right under the pad (the full card comes after). */
  const padAnswer = h('p', {
    class: 'pad-answer',
    'aria-hidden': 'true',
    'data-testid': 'pad-answer',
  });
  const modelNotice = h('p', {
    class: 'notice',
    role: 'status',
    'data-testid': 'model-notice',
    hidden: true,
  });
  const scoreTable = h('table', { class: 'score-table' });
  const scoreRows = Array.from({ length: 10 }, (_, digit) => {
    const bar = h('div', { class: 'bar' });
    const probability = h('td', { class: 'mono number' });
    const score = h('td', { class: 'mono number' });
    const row = h(
      'tr',
      null,
      h('th', { class: 'mono' }, String(digit)),
      h('td', { class: 'bar-cell' }, bar),
      probability,
      score,
    );
    scoreTable.append(row);
    return { row, bar, probability, score };
  });
  const scoreHeader = h('th', { class: 'number' }, 'distance²');
  scoreTable.prepend(
    h(
      'tr',
      null,
      h('th', null, 'digit'),
      h('th', null, 'probability'),
      h('th', { class: 'number' }, 'P'),
      scoreHeader,
    ),
  );
  const timing = h('p', { class: 'hint timing', 'data-testid': 'timing' });
  const backendBadge = h('span', { class: 'badge', 'data-testid': 'draw-backend' }, '');
  const layerView = new LayerView();
  const kernels = h('div', { class: 'layer-maps kernels' });
  let selectedUnit: UnitRef | null = null;
  let lastLayers: Prediction['layers'] | null = null;
  const explainBody = h(
    'div',
    { class: 'explain-body', 'data-testid': 'explain' },
    h(
      'p',
      { class: 'hint' },
      'Click a unit of C1, S2, C3, S4, C5, F6 or the output above (or focus a layer and press Enter) to see the window it reads, its kernel or weights, and the sum that gives its value.',
    ),
  );
  layerView.onSelect = (unit) => {
    selectedUnit = unit;
    explain();
  };
  const modelSelect = h(
    'select',
    {
      name: 'model',
      'aria-label': 'Model',
      onchange: () => context.models.use(modelSelect.value as 'shipped' | 'trained'),
    },
    h('option', { value: 'shipped' }, 'Shipped LeNet-5'),
    h('option', { value: 'trained', disabled: true }, 'Trained on the Train page'),
  );
  const digitButtons = Array.from({ length: 10 }, (_, digit) =>
    h(
      'button',
      {
        class: 'digit-button',
        'aria-label': `Load a test image of a ${digit}`,
        onclick: () => loadTestDigit(digit),
      },
      String(digit),
    ),
  );

  root.append(
    h(
      'div',
      { class: 'draw-top' },
      h(
        'div',
        { class: 'card' },
        h('h3', null, 'Draw a digit'),
        h('div', { class: 'pad-frame' }, pad.element),
        padAnswer,
        h(
          'div',
          { class: 'row' },
          h('button', { onclick: () => clear() }, 'Clear'),
          h('label', { class: 'field inline' }, h('span', null, 'Model'), modelSelect),
        ),
        modelNotice,
        h('p', { class: 'hint' }, 'Or load a test digit:'),
        h('div', { class: 'row digit-row' }, ...digitButtons),
      ),
      h(
        'div',
        { class: 'card sees-card' },
        h('h3', null, 'What the network sees'),
        h(
          'figure',
          null,
          fieldCanvas,
          h('figcaption', null, '28x28, larger side 20 px, centred by mass'),
        ),
        h(
          'figure',
          null,
          paddedCanvas,
          h(
            'figcaption',
            null,
            `32x32 input, background ${PAPER_BACKGROUND}, ink ${PAPER_FOREGROUND}`,
          ),
        ),
      ),
      h(
        'div',
        { class: 'card prediction-card' },
        h('h3', null, 'Prediction'),
        h('div', { class: 'prediction' }, predictionDigit, predictionNote),
        scoreTable,
        timing,
        backendBadge,
      ),
    ),
    h(
      'div',
      { class: 'card layers-card' },
      h('h3', null, 'Every layer'),
      h(
        'p',
        { class: 'hint' },
        'Red is positive, blue negative, white zero. Point at a unit (or focus a layer and use the arrow keys) to read its value. F6 is drawn 7x12 like the RBF code it is compared with, shown beside it.',
      ),
      layerView.element,
    ),
    h(
      'div',
      { class: 'card explain-card' },
      h('h3', null, 'Where a unit\u2019s value comes from'),
      explainBody,
    ),
    h(
      'div',
      { class: 'card' },
      h('h3', null, 'Learned C1 kernels'),
      h('p', { class: 'hint' }, 'The six 5x5 filters of the first layer, as trained.'),
      kernels,
    ),
  );

  function schedule(): void {
    if (pending) return;
    pending = requestAnimationFrame(() => {
      pending = 0;
      run();
    });
  }

  function clear(): void {
    pad.clear();
    exactField = null;
    state.test = -1;
    context.url.write('draw', encodeParams(schema, state));
    run();
  }

  /** Which call of `run` is the latest: an older one whose read-back ends later draws nothing. */
  let runs = 0;

  /** Preprocess, predict and draw every layer (on WebGPU the outputs come back asynchronously). */
  function run(): void {
    runLatest(++runs).catch((error) => {
      // A backend that fails (a GPU lost, a kernel it lacks): said on the page, not thrown away.
      console.warn('Draw: the forward pass failed:', error);
      predictionNote.textContent = `The forward pass failed: ${error instanceof Error ? error.message : String(error)}`;
    });
  }

  async function runLatest(ticket: number): Promise<void> {
    if (!loaded) return;
    const model = loaded;
    const started = performance.now();
    const result = exactField
      ? { field: exactField, padded: padToPaperScale(exactField) }
      : pad.isEmpty()
        ? null
        : preprocessDrawing(pad.ink(), PAD_SIZE, PAD_SIZE);
    if (!result) {
      paint(fieldCanvas, new Float32Array(FIELD * FIELD), 0, 1);
      paint(
        paddedCanvas,
        new Float32Array(PADDED * PADDED).fill(PAPER_BACKGROUND),
        PAPER_BACKGROUND,
        PAPER_FOREGROUND,
      );
      predictionDigit.textContent = '?';
      predictionDigit.removeAttribute('data-digit');
      predictionDigit.removeAttribute('data-verdict');
      predictionNote.textContent = 'Draw a digit in the box.';
      padAnswer.textContent = '';
      for (const item of scoreRows) {
        item.bar.style.width = '0';
        item.probability.textContent = '';
        item.score.textContent = '';
        item.row.classList.remove('best');
      }
      return;
    }
    paint(fieldCanvas, result.field, 0, 1);
    paint(paddedCanvas, result.padded, PAPER_BACKGROUND, PAPER_FOREGROUND);
    const size = inputSize(loaded.model);
    // 28x28 models (LeNet-1, MLPs) read the centred field in the same paper scale.
    const input =
      size === PADDED
        ? result.padded
        : result.field.map((ink) => PAPER_BACKGROUND + ink * (PAPER_FOREGROUND - PAPER_BACKGROUND));
    const prediction = await predict(model.model, input);
    if (ticket !== runs || loaded !== model) return;
    showPrediction(prediction);
    layerView.update(prediction.layers, prediction.output === 'rbf' ? prediction.digit : null);
    lastLayers = prediction.layers;
    if (selectedUnit) explain();
    const total = performance.now() - started;
    timing.textContent = `Preprocessing, forward pass and all activations: ${total.toFixed(1)} ms (forward ${prediction.milliseconds.toFixed(1)} ms)`;
    timing.dataset.ms = total.toFixed(3);
    timing.dataset.forwardMs = prediction.milliseconds.toFixed(3);
  }

  function showPrediction(prediction: Prediction): void {
    const calibration = prediction.output === 'rbf' ? (loaded?.calibration ?? null) : null;
    const probabilities = calibration
      ? calibratedProbabilities(prediction.scores, calibration.temperature)
      : prediction.probabilities;
    const nearest = Math.min(...prediction.scores);
    const notADigit = calibration !== null && nearest > calibration.nonDigitThreshold;
    const confidence = probabilities[prediction.digit];
    predictionDigit.textContent = notADigit ? '?' : String(prediction.digit);
    predictionDigit.dataset.digit = String(prediction.digit);
    predictionDigit.dataset.verdict = notADigit ? 'not-a-digit' : 'digit';
    predictionDigit.dataset.confidence = confidence.toFixed(4);
    const sure = `${formatPercent(confidence)} sure`;
    predictionNote.textContent = notADigit
      ? `This does not look like a digit: even the nearest class code (${prediction.digit}) is at distance² ${formatNumber(nearest, 3)}, beyond the ${formatNumber(calibration.nonDigitThreshold, 3)} that 98% of real test digits stay within.`
      : calibration
        ? `${sure}${confidence < 0.5 ? ': a guess' : ''} (${loaded?.description}; confidence calibrated on held-out test digits)`
        : `${sure} by the softmax of its outputs, not calibrated (${loaded?.description})`;
    padAnswer.textContent = notADigit ? 'Not a digit?' : `${prediction.digit} · ${sure}`;
    scoreHeader.textContent = prediction.output === 'rbf' ? 'distance²' : 'logit';
    prediction.scores.forEach((score, digit) => {
      const item = scoreRows[digit];
      const probability = probabilities[digit];
      item.bar.style.width = `${Math.max(0.5, probability * 100)}%`;
      item.probability.textContent = formatPercent(probability);
      item.score.textContent = formatNumber(score, 3);
      item.row.classList.toggle('best', digit === prediction.digit && !notADigit);
    });
  }

  /** 0.5 -> "50%", 0.999 -> "99.9%", never "100%" for a probability below one. */
  function formatPercent(probability: number): string {
    const percent = probability * 100;
    if (percent >= 99.95 && probability < 1) return '>99.9%';
    return `${percent < 10 ? percent.toFixed(1) : percent.toFixed(percent > 99 ? 1 : 0)}%`;
  }

  /** Redraws the selected unit's explanation for the current drawing. */
  function explain(): void {
    if (!selectedUnit || !loaded || !lastLayers) return;
    const explanation = explainUnit(loaded.model, lastLayers, selectedUnit);
    explainBody.replaceChildren(
      ...(explanation
        ? renderExplanation(explanation)
        : [h('p', { class: 'hint' }, `Nothing to explain for ${selectedUnit.layer}.`)]),
    );
    explainBody.dataset.layer = selectedUnit.layer;
  }

  function showKernels(): void {
    if (!loaded) return;
    const weight = loaded.model
      .namedParameters()
      .find(([name]) => name === 'c1.weight' || name === 'conv1.weight')?.[1];
    kernels.replaceChildren();
    if (!weight) {
      kernels.append(h('p', { class: 'hint' }, 'This model has no convolution layer.'));
      return;
    }
    const [count, , height, width] = weight.shape;
    const data = weight.data as Float32Array;
    const plane = height * width;
    for (let k = 0; k < count; k++) {
      let maxAbs = 1e-6;
      for (let i = 0; i < plane; i++) maxAbs = Math.max(maxAbs, Math.abs(data[k * plane + i]));
      const canvas = pixelCanvas(width, height, 12, `C1 kernel ${k + 1}`);
      paint(canvas, data, -maxAbs, maxAbs, divergingColormap, k * plane);
      kernels.append(canvas);
    }
  }

  async function useModel(): Promise<void> {
    loaded = await context.models.current();
    const backend = await context.models.backend();
    backendBadge.textContent = `Computing on ${backend.label}`;
    backendBadge.dataset.backend = backend.name;
    // One pass on a blank input warms up the kernels and buffers, so the first stroke is fast.
    const side = inputSize(loaded.model);
    await predict(loaded.model, new Float32Array(side * side).fill(PAPER_BACKGROUND));
    modelSelect.value = loaded.choice;
    if (loaded.choice === 'trained') modelNotice.hidden = true;
    (modelSelect.options[1] as HTMLOptionElement).disabled = !context.models.hasTrained;
    if (state.model !== loaded.choice) {
      state.model = loaded.choice;
      context.url.write('draw', encodeParams(schema, state));
    }
    showKernels();
    run();
  }

  async function loadTestDigit(digit: number | null, index?: number): Promise<void> {
    testSet ??= await context.mnistTest();
    let chosen = index ?? -1;
    if (digit !== null) {
      const start = state.test >= 0 ? state.test + 1 : 0;
      for (let step = 0; step < testSet.length; step++) {
        const candidate = (start + step) % testSet.length;
        if (testSet.label(candidate) === digit) {
          chosen = candidate;
          break;
        }
      }
    }
    if (chosen < 0 || chosen >= testSet.length) return;
    // The exact 28x28 image the Results page classified: the pad only shows it.
    exactField = Float32Array.from(testSet.image(chosen), (value) => value / 255);
    pad.showImage(exactField, testSet.width);
    state.test = chosen;
    context.url.write('draw', encodeParams(schema, state));
    predictionNote.dataset.test = String(chosen);
    run();
  }

  context.models.onChange(() => void useModel());
  if (state.model === 'trained') {
    if (context.models.hasTrained) context.models.use('trained');
    else {
      // A shared link cannot carry the weights trained in another tab: say what runs instead.
      modelNotice.textContent =
        'This link asks for a model trained on the Train page, and none has been trained in this tab yet: showing the shipped LeNet-5.';
      modelNotice.hidden = false;
    }
  }
  const ready = useModel().catch((error) => {
    predictionNote.textContent = `Could not load the model: ${String(error)}`;
    predictionNote.classList.add('error');
  });
  if (state.test >= 0) void ready.then(() => loadTestDigit(null, state.test));

  return {
    schema,
    applyParams(params) {
      state = decodeParams(schema, params);
      if (state.test >= 0) void loadTestDigit(null, state.test);
    },
  };
}
