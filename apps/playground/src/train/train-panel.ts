import type { AppContext } from '../app-context.js';
import { MNIST_BASE } from '../app-context.js';
import { formatNumber, h, select, selectValue, setDisabled } from '../dom.js';
import { COMPUTE_KEY } from '../network.js';
import type { Panel } from '../panel.js';
import { decodeParams, encodeParams } from '../url-state.js';
import { type LiveChart, liveChart } from './charts.js';
import type { FromWorker, ToWorker } from './protocol.js';
import {
  type EpochResult,
  MAX_THREADS,
  type ParallelMode,
  type TrainConfig,
  trainSchema,
} from './training-session.js';
import { WatchView } from './watch-view.js';
import './train.css';

type RunState = 'idle' | 'loading' | 'running' | 'paused' | 'done';

export function mount(root: HTMLElement, context: AppContext): Panel {
  let config: TrainConfig = decodeParams(trainSchema, context.url.params('train'));
  let worker: Worker | null = null;
  let state: RunState = 'idle';
  let batchX: number[] = [];
  let batchLoss: number[] = [];
  let smoothed: number[] = [];
  let epochs: EpochResult[] = [];
  let lastThroughput = 0;

  const number = (values: readonly number[], format: (value: number) => string = String) =>
    values.map((value) => [String(value), format(value)] as const);
  const controls = [
    select({
      label: 'Model',
      name: 'model',
      value: config.model,
      choices: [
        ['lenet5', 'LeNet-5, 60k weights'],
        ['mlp-300', 'MLP 784-300-10, 238k weights'],
      ],
      onChange: (model) => change({ model }),
    }),
    select({
      label: 'Optimizer',
      name: 'optimizer',
      value: config.optimizer,
      choices: [
        ['adam', 'Adam'],
        ['sgd', 'SGD with momentum 0.9'],
        ['sdlm', "SDLM (the paper's, curvature per pass)"],
      ],
      onChange: (optimizer) => change({ optimizer }),
    }),
    select({
      label: 'Learning rate',
      name: 'lr',
      value: String(config.lr),
      choices: number([0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1]),
      onChange: (lr) => change({ lr: Number(lr) }),
    }),
    select({
      label: 'Batch size',
      name: 'batch',
      value: String(config.batch),
      choices: number([1, 8, 16, 32, 64, 128, 256]),
      onChange: (batch) => change({ batch: Number(batch) }),
    }),
    select({
      label: 'Augmentation',
      name: 'augment',
      value: config.augment,
      choices: [
        ['none', 'None'],
        ['affine', 'Affine (paper)'],
        ['elastic', 'Elastic'],
        ['both', 'Affine + elastic'],
      ],
      onChange: (augment) => change({ augment }),
    }),
    select({
      label: 'Training images',
      name: 'size',
      value: String(config.size),
      choices: number([1000, 5000, 10000, 30000, 60000], (value) => value.toLocaleString('en')),
      onChange: (size) => change({ size: Number(size) }),
    }),
    select({
      label: 'Test images',
      name: 'testSize',
      value: String(config.testSize),
      choices: number([1000, 2000, 5000, 10000], (value) => value.toLocaleString('en')),
      onChange: (testSize) => change({ testSize: Number(testSize) }),
    }),
    select({
      label: 'Passes',
      name: 'epochs',
      value: String(config.epochs),
      choices: number([1, 2, 3, 5, 10, 20]),
      onChange: (value) => change({ epochs: Number(value) }),
    }),
    select({
      label: 'Compute on',
      name: 'compute',
      value: config.compute,
      choices: [
        ['auto', 'Auto: WebGPU if this browser has it'],
        ['webgpu', 'WebGPU (the GPU, one thread)'],
        ['wasm', 'WebAssembly (the CPU)'],
      ],
      onChange: (compute) => {
        change({ compute });
        rememberCompute(compute);
      },
    }),
    select({
      label: 'Threads',
      name: 'threads',
      value: String(config.threads),
      choices: number(
        Array.from({ length: MAX_THREADS }, (_, i) => i + 1),
        (value) => (value === 1 ? '1 (the training worker alone)' : String(value)),
      ),
      onChange: (value) => change({ threads: Number(value) }),
    }),
    select({
      label: 'Workers share batches by',
      name: 'transport',
      value: config.transport,
      choices: [
        ['auto', 'shared memory (if isolated)'],
        ['message', 'messages'],
      ],
      onChange: (transport) => change({ transport }),
    }),
  ];

  const startButton = h(
    'button',
    { class: 'primary', 'data-action': 'start', onclick: () => start() },
    'Start',
  );
  const pauseButton = h(
    'button',
    { 'data-action': 'pause', onclick: () => togglePause() },
    'Pause',
  );
  const resetButton = h('button', { onclick: () => reset() }, 'Reset');
  const useButton = h(
    'button',
    { 'data-action': 'use-weights', onclick: () => send({ type: 'weights', purpose: 'draw' }) },
    'Use in Draw',
  );
  const downloadButton = h(
    'button',
    {
      'data-action': 'download-weights',
      title:
        'model.safetensors, the format of the lenet command line: lenet predict --model DIR reads it',
      onclick: () => send({ type: 'weights', purpose: 'download' }),
    },
    'Download model',
  );
  const status = h(
    'p',
    { class: 'train-status', 'data-testid': 'train-status', 'aria-live': 'polite' },
    'Ready.',
  );
  const progressBar = h('progress', { max: 1, value: 0, 'aria-label': 'Progress of this pass' });
  const throughput = h('span', { class: 'badge', 'data-testid': 'throughput' }, '— images/s');
  const parallelMode = h('span', { class: 'badge', 'data-testid': 'parallel-mode' }, '');
  const computeBadge = h('span', { class: 'badge', 'data-testid': 'compute-backend' }, '');
  const lossChart: LiveChart = liveChart({
    title: 'Training loss per batch',
    xLabel: 'images seen',
    yLabel: 'loss',
    series: [
      { label: 'batch', stroke: '#b9c8f5' },
      { label: 'smoothed', stroke: '#2f6fed' },
    ],
    logScale: true,
    emptyX: [0, config.size * config.epochs],
    emptyY: [0.1, 100],
  });
  const errorChart: LiveChart = liveChart({
    title: 'Error per pass (%)',
    xLabel: 'pass',
    yLabel: 'error %',
    series: [
      { label: 'test', stroke: '#d64545', points: true },
      { label: 'training (on the fly)', stroke: '#f0a020', dash: [6, 4], points: true },
    ],
    emptyX: [0, config.epochs],
    emptyY: [0, 100],
    integerX: true,
  });
  errorChart.element.dataset.testid = 'error-chart';
  lossChart.element.dataset.testid = 'loss-chart';
  const epochTable = h('table', { class: 'epoch-table', 'data-testid': 'epoch-table' });
  const watch = new WatchView();
  let testCount = 0;

  root.append(
    h(
      'div',
      { class: 'two-columns train-layout' },
      h(
        'div',
        { class: 'card stack' },
        h('h3', null, 'Settings'),
        ...controls.map((control) => control.element),
        h('div', { class: 'row' }, startButton, pauseButton, resetButton),
        h(
          'p',
          { class: 'hint' },
          'Training runs in a Web Worker with the same packages as the command line; the page stays responsive. With several threads, each batch (and the test set) is split over that worker and more Web Workers, and their gradients are summed in a fixed order: the same seed and threads give the same weights. LeNet-5 is trained with the MAP loss on its RBF outputs. SDLM (stochastic diagonal Levenberg-Marquardt, as in the paper) re-estimates its curvature on 500 training images before every pass and wants small rates and batches (e.g. 0.0001 at batch 1 to 4).',
        ),
      ),
      h(
        'div',
        { class: 'stack' },
        h(
          'div',
          { class: 'card' },
          h('div', { class: 'row status-row' }, status, computeBadge, parallelMode, throughput),
          progressBar,
          h('div', { class: 'charts' }, lossChart.element, errorChart.element),
        ),
        watch.element,
        h(
          'div',
          { class: 'card' },
          h('div', { class: 'row' }, h('h3', null, 'Passes'), useButton, downloadButton),
          h(
            'div',
            { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Passes' },
            epochTable,
          ),
        ),
      ),
    ),
  );

  function change(patch: Partial<TrainConfig>): void {
    config = { ...config, ...patch };
    context.url.write('train', encodeParams(trainSchema, config));
  }

  function send(message: ToWorker): void {
    worker?.postMessage(message);
  }

  function setState(next: RunState): void {
    state = next;
    const busy = state === 'loading' || state === 'running' || state === 'paused';
    // Enable first, so the button that loses the focus hands it to the one that takes over.
    if (!busy) setDisabled(startButton, false);
    setDisabled(pauseButton, !(state === 'running' || state === 'paused'), startButton);
    if (busy) setDisabled(startButton, true, pauseButton, resetButton);
    pauseButton.textContent = state === 'paused' ? 'Resume' : 'Pause';
    useButton.disabled = epochs.length === 0 && state !== 'paused';
    downloadButton.disabled = useButton.disabled;
    for (const control of controls)
      (control.element.querySelector('select') as HTMLSelectElement).disabled =
        state !== 'idle' && state !== 'done';
    root.dataset.state = state;
  }

  function start(): void {
    reset();
    worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<FromWorker>) => receive(event.data);
    worker.onerror = (event) => {
      status.textContent = `The worker failed: ${event.message}`;
      setState('done');
    };
    send({ type: 'start', config, mnistBase: MNIST_BASE });
    setState('loading');
  }

  function togglePause(): void {
    if (state === 'running') {
      send({ type: 'pause' });
    } else if (state === 'paused') {
      send({ type: 'resume' });
      setState('running');
    }
  }

  function reset(): void {
    worker?.terminate();
    worker = null;
    batchX = [];
    batchLoss = [];
    smoothed = [];
    epochs = [];
    lossChart.setData([], [], []);
    errorChart.setData([], [], []);
    epochTable.replaceChildren();
    watch.reset();
    progressBar.value = 0;
    status.textContent = 'Ready.';
    throughput.textContent = '— images/s';
    parallelMode.textContent = '';
    delete parallelMode.dataset.mode;
    computeBadge.textContent = '';
    delete computeBadge.dataset.backend;
    delete root.dataset.weightsChecksum;
    setState('idle');
  }

  function receive(message: FromWorker): void {
    switch (message.type) {
      case 'status':
        status.textContent = message.text;
        break;
      case 'started':
        status.textContent = `Training on ${message.trainCount.toLocaleString('en')} images, testing on ${message.testCount.toLocaleString('en')}.`;
        computeBadge.textContent = `Computing on ${message.backendLabel}`;
        computeBadge.dataset.backend = message.backend;
        parallelMode.textContent = describeMode(message.threads, message.mode);
        parallelMode.dataset.mode = message.mode;
        parallelMode.dataset.threads = String(message.threads);
        testCount = message.testCount;
        watch.setStrip(message.strip);
        setState('running');
        break;
      case 'probe':
        watch.update(message.probe);
        break;
      case 'batch': {
        const { progress } = message;
        message.losses.forEach((loss, i) => {
          batchX.push(message.seen[i]);
          batchLoss.push(loss);
          const previous = smoothed.length > 0 ? smoothed[smoothed.length - 1] : loss;
          smoothed.push(0.8 * previous + 0.2 * loss);
        });
        lossChart.setData(batchX, batchLoss, smoothed);
        // The smoothed loss where the run started and where it is now (read by the tests).
        lossChart.element.dataset.firstLoss = String(smoothed[0]);
        lossChart.element.dataset.lastLoss = String(smoothed[smoothed.length - 1]);
        progressBar.value = progress.batch / progress.batches;
        lastThroughput = progress.imagesPerSecond;
        throughput.textContent = `${Math.round(progress.imagesPerSecond).toLocaleString('en')} images/s`;
        throughput.dataset.imagesPerSecond = progress.imagesPerSecond.toFixed(1);
        status.textContent = `Pass ${progress.epoch} of ${config.epochs} · batch ${progress.batch} of ${progress.batches} · loss ${formatNumber(progress.loss)}`;
        break;
      }
      case 'epoch':
        epochs.push(message.result);
        errorChart.setData(
          epochs.map((epoch) => epoch.epoch),
          epochs.map((epoch) => epoch.testError),
          epochs.map((epoch) => epoch.trainError),
        );
        renderEpochs();
        watch.showMistakes(message.result, message.mistakeImages, testCount);
        root.dataset.weightsChecksum = message.result.checksum;
        useButton.disabled = false;
        downloadButton.disabled = false;
        break;
      case 'paused':
        setState('paused');
        status.textContent = `${status.textContent?.split(' · paused')[0]} · paused`;
        break;
      case 'done': {
        const last = epochs.at(-1);
        status.textContent = `Done: ${epochs.length} pass${epochs.length === 1 ? '' : 'es'}, test error ${last?.testError.toFixed(2)}%, ${Math.round(lastThroughput)} images/s.`;
        setState('done');
        break;
      }
      case 'weights':
        if (message.purpose === 'download') {
          // `lenet predict --model DIR` reads DIR/model.safetensors.
          const link = h('a', {
            href: URL.createObjectURL(new Blob([message.bytes as BlobPart])),
            download: 'model.safetensors',
          });
          link.click();
          setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
          break;
        }
        void context.models.setTrained(message.bytes, message.description).then(() => {
          context.navigate('draw', { model: 'trained' });
        });
        break;
      case 'error':
        status.textContent = `Training failed: ${message.message}`;
        status.classList.add('error');
        setState('done');
        break;
    }
  }

  function renderEpochs(): void {
    epochTable.replaceChildren(
      h(
        'tr',
        null,
        ...['pass', 'train loss', 'train error', 'test error', 'images/s', 'seconds'].map((title) =>
          h('th', null, title),
        ),
      ),
      ...epochs.map((epoch) =>
        h(
          'tr',
          { 'data-test-error': epoch.testError },
          h('td', null, String(epoch.epoch)),
          h('td', null, formatNumber(epoch.trainLoss)),
          h('td', null, `${epoch.trainError.toFixed(2)}%`),
          h('td', { class: 'test-error' }, `${epoch.testError.toFixed(2)}%`),
          h('td', null, Math.round(epoch.imagesPerSecond).toLocaleString('en')),
          h('td', null, epoch.seconds.toFixed(1)),
        ),
      ),
    );
  }

  function describeMode(threads: number, mode: ParallelMode): string {
    if (mode === 'single') return '1 thread';
    const how = `${threads} threads · ${mode === 'shared' ? 'shared memory' : 'messages'}`;
    // A batch of one sample cannot be split: only the test set is.
    return config.batch === 1 ? `${how} (test set only)` : how;
  }

  const resize = () => {
    lossChart.resize();
    errorChart.resize();
  };
  window.addEventListener('resize', resize);
  setState('idle');

  return {
    schema: trainSchema,
    show() {
      requestAnimationFrame(resize);
    },
    applyParams(params) {
      if (state !== 'idle' && state !== 'done') return;
      config = decodeParams(trainSchema, params);
      const values = [
        config.model,
        config.optimizer,
        config.lr,
        config.batch,
        config.augment,
        config.size,
        config.testSize,
        config.epochs,
        config.threads,
        config.transport,
      ];
      controls.forEach((control, i) => {
        selectValue(control.input, String(values[i]));
      });
    },
  };
}

/** The choice also applies to the Draw page's model from the next page load (network.ts). */
function rememberCompute(choice: string): void {
  try {
    localStorage.setItem(COMPUTE_KEY, choice);
  } catch {
    // Storage blocked: Draw keeps 'auto'.
  }
}
