import { compose, elastic, randomAffine, type Transform } from '@lenet/augment';
import type { Dataset } from '@lenet/datasets-mnist';
import { Generator } from '@lenet/tensor';
import type { AppContext } from '../app-context.js';
import { h, slider } from '../dom.js';
import { paint, pixelCanvas } from '../image-canvas.js';
import type { Panel } from '../panel.js';
import { decodeParams, encodeParams, field, type Values } from '../url-state.js';
import './distortions.css';

const schema = {
  index: field.number(0, 0, 9999, true),
  translate: field.number(2, 0, 6),
  scale: field.number(0.1, 0, 0.4),
  squeeze: field.number(0.1, 0, 0.5),
  shear: field.number(0.2, 0, 0.8),
  rotate: field.number(0, 0, 45),
  alpha: field.number(0, 0, 40),
  sigma: field.number(4, 1, 8),
  seed: field.number(0, 0, 9999, true),
};
type Settings = Values<typeof schema>;

const SAMPLES = 24;
const SIZE = 28;

/** The distortion of the current settings: affine (paper §III-B), then elastic when alpha > 0. */
export function transformFor(settings: Settings): Transform {
  const affine = randomAffine({
    translate: settings.translate,
    scale: [1 - settings.scale, 1 + settings.scale],
    squeeze: settings.squeeze,
    shearX: settings.shear,
    rotate: settings.rotate,
  });
  return settings.alpha > 0
    ? compose([affine, elastic({ alpha: settings.alpha, sigma: settings.sigma })])
    : affine;
}

export function mount(root: HTMLElement, context: AppContext): Panel {
  let settings: Settings = decodeParams(schema, context.url.params('distortions'));
  let dataset: Dataset | null = null;
  const original = new Float32Array(SIZE * SIZE);

  const originalCanvas = pixelCanvas(SIZE, SIZE, 6, 'The chosen digit');
  const samples = Array.from({ length: SAMPLES }, (_, i) =>
    pixelCanvas(SIZE, SIZE, 3, `Distorted sample ${i + 1}`),
  );
  const grid = h('div', { class: 'sample-grid', 'data-testid': 'sample-grid' }, ...samples);
  const caption = h('p', { class: 'hint' }, 'Loading the MNIST test set...');
  const indexInput = h('input', {
    type: 'number',
    min: 0,
    max: 9999,
    value: settings.index,
    name: 'index',
    'aria-label': 'Test image number',
    'aria-describedby': 'distortions-index-error',
    onchange: () => pickIndex(indexInput.value),
  });
  const indexError = h('p', {
    class: 'error',
    id: 'distortions-index-error',
    role: 'alert',
    'data-testid': 'index-error',
  });
  const digitButtons = Array.from({ length: 10 }, (_, digit) =>
    h(
      'button',
      { class: 'digit-button', onclick: () => pickDigit(digit), 'aria-label': `A ${digit}` },
      String(digit),
    ),
  );

  const controls: [keyof Settings, string, number, number, number, (v: number) => string][] = [
    ['translate', 'Translation ± (pixels)', 0, 6, 0.25, (v) => v.toFixed(2)],
    ['scale', 'Scaling ±', 0, 0.4, 0.01, (v) => `${Math.round(v * 100)}%`],
    ['squeeze', 'Squeezing ±', 0, 0.5, 0.01, (v) => v.toFixed(2)],
    ['shear', 'Horizontal shear ±', 0, 0.8, 0.01, (v) => v.toFixed(2)],
    ['rotate', 'Rotation ± (degrees)', 0, 45, 1, (v) => `${v}°`],
    ['alpha', 'Elastic alpha (0 = off)', 0, 40, 1, (v) => String(v)],
    ['sigma', 'Elastic sigma', 1, 8, 0.25, (v) => v.toFixed(2)],
  ];
  const sliders = controls.map(([key, label, min, max, step, format]) =>
    slider({
      label,
      min,
      max,
      step,
      value: settings[key],
      format,
      name: key,
      onInput: (value) => change({ [key]: value }),
    }),
  );

  root.append(
    h(
      'div',
      { class: 'two-columns' },
      h(
        'div',
        { class: 'card stack' },
        h('h3', null, 'Distortion ranges'),
        h(
          'p',
          { class: 'hint' },
          'Each sample draws every parameter uniformly from its range. LeCun et al. (1998) trained LeNet-5 on such affine distortions (error 0.95% → 0.8%); Simard et al. (2003) added elastic ones (their alpha 34); the Train page and the lenet command line train with alpha 16, sigma 4.',
        ),
        ...sliders.map((item) => item.element),
        h(
          'div',
          { class: 'row' },
          h(
            'button',
            { class: 'primary', onclick: () => change({ seed: settings.seed + 1 }) },
            'New samples',
          ),
          h('button', { onclick: () => reset() }, 'Paper defaults'),
        ),
      ),
      h(
        'div',
        { class: 'card' },
        h('h3', null, 'Digit'),
        h(
          'div',
          { class: 'row digit-picker' },
          ...digitButtons,
          h('label', { class: 'field' }, h('span', null, 'test image #'), indexInput),
        ),
        indexError,
        h('div', { class: 'distortion-view' }, h('figure', null, originalCanvas, caption), grid),
      ),
    ),
  );

  function change(patch: Partial<Settings>): void {
    settings = { ...settings, ...patch };
    context.url.write('distortions', encodeParams(schema, settings));
    render();
  }

  function reset(): void {
    settings = { ...decodeParams(schema, {}), index: settings.index, seed: settings.seed };
    syncInputs();
    change({});
  }

  function syncInputs(): void {
    controls.forEach(([key], i) => {
      sliders[i].set(settings[key]);
    });
    indexInput.value = String(settings.index);
  }

  /** A typed test image number: used when it exists, refused visibly otherwise. */
  function pickIndex(text: string): void {
    const index = Number(text);
    const count = dataset?.length ?? 10_000;
    if (text.trim() === '' || !Number.isInteger(index) || index < 0 || index >= count) {
      indexError.textContent = `There is no test image #${text}: the MNIST test set has ${count.toLocaleString('en')} images, numbered 0 to ${count - 1}. Still showing #${settings.index}.`;
      indexInput.setAttribute('aria-invalid', 'true');
      return;
    }
    indexError.textContent = '';
    indexInput.removeAttribute('aria-invalid');
    change({ index });
  }

  function pickDigit(digit: number): void {
    if (!dataset) return;
    // The next test image of that digit after the current one.
    for (let step = 1; step <= dataset.length; step++) {
      const index = (settings.index + step) % dataset.length;
      if (dataset.label(index) === digit) {
        indexInput.value = String(index);
        pickIndex(String(index));
        return;
      }
    }
  }

  function render(): void {
    if (!dataset) return;
    const bytes = dataset.image(settings.index);
    for (let i = 0; i < original.length; i++) original[i] = bytes[i] / 255;
    paint(originalCanvas, original, 0, 1);
    caption.textContent = `Test image #${settings.index}, a ${dataset.label(settings.index)}`;
    const transform = transformFor(settings);
    const generator = new Generator(settings.seed);
    const sample = new Float32Array(original.length);
    for (const canvas of samples) {
      transform.apply(original, SIZE, SIZE, generator, sample);
      paint(canvas, sample, 0, 1);
    }
    grid.dataset.signature = `${settings.seed}:${Object.values(settings).join(',')}`;
  }

  context
    .mnistTest()
    .then((test) => {
      dataset = test;
      render();
    })
    .catch((error) => {
      caption.textContent = `Could not load MNIST: ${String(error)}`;
      caption.classList.add('error');
    });

  return {
    schema,
    applyParams(params) {
      settings = decodeParams(schema, params);
      syncInputs();
      render();
    },
  };
}
