import type { Dataset } from '@lenet/datasets-mnist';
import type { AppContext } from '../app-context.js';
import { h } from '../dom.js';
import { padToPaperScale } from '../draw/preprocess.js';
import { paint, pixelCanvas } from '../image-canvas.js';
import type { ShippedMetrics } from '../models.js';
import { predict } from '../network.js';
import type { Panel } from '../panel.js';
import { decodeParams, encodeParams, field } from '../url-state.js';
import './results.css';

const schema = {
  label: field.number(-1, -1, 9, true),
  predicted: field.number(-1, -1, 9, true),
};

export function mount(root: HTMLElement, context: AppContext): Panel {
  let filter = decodeParams(schema, context.url.params('results'));
  let metrics: ShippedMetrics | null = null;
  let testSet: Dataset | null = null;

  const summary = h(
    'div',
    { class: 'results-summary' },
    h('p', { class: 'loading' }, 'Loading the shipped model\u2019s results...'),
  );
  const matrix = h('table', { class: 'confusion', 'data-testid': 'confusion' });
  const galleryTitle = h('h3', null, 'Misclassified test digits');
  const gallery = h('div', { class: 'gallery', 'data-testid': 'gallery' });
  const recheckButton = h('button', { onclick: () => void recheck() }, 'Recheck in this browser');
  const recheckStatus = h('span', { class: 'hint', 'aria-live': 'polite' });

  root.append(
    h(
      'div',
      { class: 'results-top' },
      h(
        'div',
        { class: 'card' },
        h('h3', null, 'Test error'),
        summary,
        h('div', { class: 'row' }, recheckButton, recheckStatus),
      ),
      h(
        'div',
        { class: 'card' },
        h('h3', null, 'Confusion matrix'),
        h(
          'p',
          { class: 'hint' },
          'Rows: true digit. Columns: predicted. Select a cell to see those mistakes.',
        ),
        h(
          'div',
          { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Confusion matrix' },
          matrix,
        ),
      ),
    ),
    h(
      'div',
      { class: 'card' },
      galleryTitle,
      h('p', { class: 'hint' }, 'Select a digit to open it on the Draw page and see every layer.'),
      gallery,
    ),
  );

  function renderSummary(data: ShippedMetrics): void {
    const settings = data.settings as Record<string, string | number>;
    summary.replaceChildren(
      h('p', { class: 'big-number', 'data-testid': 'test-error' }, `${data.testError.toFixed(2)}%`),
      h(
        'p',
        null,
        `${data.testErrors} of ${data.testCount.toLocaleString('en')} MNIST test digits misclassified by the shipped LeNet-5 (the paper: 0.95%; 0.8% with distortions).`,
      ),
      h(
        'p',
        { class: 'hint' },
        `Trained by ${data.trainedBy}: ${String(settings.optimizer).toUpperCase()}, learning rate ${settings.learningRate} (${settings.schedule} schedule), batch ${settings.batchSize}, ${settings.epochs} passes over ${Number(settings.trainSize).toLocaleString('en')} images, MAP loss on the RBF outputs.`,
      ),
      h(
        'table',
        { class: 'history' },
        h(
          'tr',
          null,
          h('th', null, 'pass'),
          h('th', null, 'train loss'),
          h('th', null, 'test error'),
        ),
        ...data.history.map((entry) =>
          h(
            'tr',
            null,
            h('td', null, String(entry.epoch)),
            h('td', null, entry.trainLoss.toFixed(3)),
            h('td', null, `${entry.testError?.toFixed(2)}%`),
          ),
        ),
      ),
    );
  }

  function renderMatrix(data: ShippedMetrics): void {
    let maxOff = 1;
    data.confusion.forEach((row, label) => {
      row.forEach((count, predicted) => {
        if (label !== predicted) maxOff = Math.max(maxOff, count);
      });
    });
    matrix.replaceChildren(
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'true digit')),
        ...data.confusion.map((_, predicted) =>
          h(
            'th',
            { scope: 'col' },
            String(predicted),
            h('span', { class: 'visually-hidden' }, ' predicted'),
          ),
        ),
      ),
      ...data.confusion.map((row, label) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, String(label)),
          ...row.map((count, predicted) => {
            const diagonal = label === predicted;
            const strength = diagonal ? 0 : Math.sqrt(count / maxOff);
            const selected = filter.label === label && filter.predicted === predicted;
            const cell = h(
              'td',
              {
                class: `${diagonal ? 'diagonal' : count > 0 ? 'mistake' : 'empty'}${selected ? ' selected' : ''}`,
                style: diagonal
                  ? null
                  : `background: rgba(214, 69, 69, ${(0.08 + 0.6 * strength).toFixed(3)})`,
              },
              count > 0 ? String(count) : '',
            );
            if (!diagonal && count > 0) {
              const button = h(
                'button',
                {
                  class: 'cell-button',
                  'aria-label': `${count} ${label}s read as ${predicted}`,
                  'aria-pressed': selected ? 'true' : 'false',
                  onclick: () =>
                    setFilter(selected ? { label: -1, predicted: -1 } : { label, predicted }),
                },
                String(count),
              );
              cell.replaceChildren(button);
            }
            return cell;
          }),
        ),
      ),
    );
  }

  function setFilter(next: { label: number; predicted: number }): void {
    filter = next;
    context.url.write('results', encodeParams(schema, filter));
    if (metrics) {
      renderMatrix(metrics);
      renderGallery(metrics);
    }
  }

  function renderGallery(data: ShippedMetrics): void {
    const items = data.misclassified.filter(
      (item) =>
        filter.label < 0 || (item.label === filter.label && item.predicted === filter.predicted),
    );
    galleryTitle.textContent =
      filter.label < 0
        ? `Misclassified test digits (${items.length})`
        : `${filter.label}s read as ${filter.predicted} (${items.length})`;
    gallery.replaceChildren(
      ...items.map((item) => {
        const canvas = pixelCanvas(28, 28, 2);
        if (testSet) {
          const bytes = testSet.image(item.index);
          paint(
            canvas,
            Float32Array.from(bytes, (value) => value / 255),
            0,
            1,
          );
        }
        return h(
          'button',
          {
            class: 'gallery-item',
            'data-index': item.index,
            // Starts with the visible text, as speech input users say it.
            'aria-label': `${item.label}→${item.predicted}: test image ${item.index}, a ${item.label} read as ${item.predicted}; open in Draw`,
            onclick: () => context.navigate('draw', { test: String(item.index) }),
          },
          canvas,
          h('span', null, `${item.label}→${item.predicted}`),
        );
      }),
    );
  }

  /** Classifies the 10,000 test digits here, in slices so the page stays responsive. */
  async function recheck(): Promise<void> {
    if (!metrics || !testSet) return;
    recheckButton.disabled = true;
    const { model } = await context.models.shipped();
    const started = performance.now();
    let errors = 0;
    const field = new Float32Array(784);
    for (let index = 0; index < testSet.length; index++) {
      const bytes = testSet.image(index);
      for (let i = 0; i < 784; i++) field[i] = bytes[i] / 255;
      if ((await predict(model, padToPaperScale(field))).digit !== testSet.label(index)) errors++;
      if (index % 250 === 249) {
        recheckStatus.textContent = `${index + 1} checked, ${errors} wrong...`;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const agrees = errors === metrics.testErrors;
    recheckStatus.textContent = `${errors} wrong of ${testSet.length.toLocaleString('en')} in ${seconds.toFixed(1)} s (${Math.round(testSet.length / seconds)} images/s): ${
      agrees ? 'the same as at training time' : `training time said ${metrics.testErrors}`
    }.`;
    recheckStatus.dataset.errors = String(errors);
    recheckButton.disabled = false;
  }

  Promise.all([context.models.shippedMetrics(), context.mnistTest()])
    .then(([data, test]) => {
      metrics = data;
      testSet = test;
      renderSummary(data);
      renderMatrix(data);
      renderGallery(data);
    })
    .catch((error) => {
      summary.replaceChildren(
        h('p', { class: 'error' }, `Could not load the results: ${String(error)}`),
      );
    });

  return {
    schema,
    applyParams(params) {
      setFilter(decodeParams(schema, params));
    },
  };
}
