/**
 * Learning you can watch (as ConvNetJS's MNIST demo shows it): one test digit of every class
 * with the network's current answer and confidence, the C1 kernels as they are now, and the
 * test digits the latest pass got wrong. Redrawn from the worker's probes.
 */
import { h } from '../dom.js';
import { divergingColormap, paint, pixelCanvas } from '../image-canvas.js';
import type { EpochResult, Probe } from './training-session.js';

const SIDE = 28;

function digitCanvas(pixels: Uint8Array, offset: number, label: string): HTMLCanvasElement {
  const canvas = pixelCanvas(SIDE, SIDE, 2, label);
  paint(
    canvas,
    Float32Array.from(pixels.subarray(offset, offset + SIDE * SIDE), (v) => v / 255),
    0,
    1,
  );
  return canvas;
}

export class WatchView {
  readonly element: HTMLElement;
  private readonly strip = h('div', { class: 'watch-strip', 'data-testid': 'watch-strip' });
  private readonly kernels = h('div', { class: 'layer-maps', 'data-testid': 'watch-kernels' });
  private readonly mistakesTitle = h('h4', null, 'Mistakes of the latest pass');
  private readonly mistakes = h('div', {
    class: 'watch-mistakes',
    'data-testid': 'watch-mistakes',
  });
  private stripItems: { caption: HTMLElement; figure: HTMLElement; label: number }[] = [];
  private kernelCanvases: HTMLCanvasElement[] = [];

  constructor() {
    this.element = h(
      'div',
      { class: 'card watch' },
      h('h3', null, 'Watch it learn'),
      h(
        'p',
        { class: 'hint' },
        'One test digit of every class, read by the network as it is now (confidence: softmax of its outputs, not calibrated), and its six C1 kernels, redrawn a few times a second.',
      ),
      this.strip,
      h('h4', null, 'C1 kernels'),
      this.kernels,
      this.mistakesTitle,
      this.mistakes,
    );
    this.reset();
  }

  reset(): void {
    this.stripItems = [];
    this.kernelCanvases = [];
    this.strip.replaceChildren(h('p', { class: 'hint' }, 'Start training to watch.'));
    this.kernels.replaceChildren();
    this.mistakesTitle.textContent = 'Mistakes of the latest pass';
    this.mistakes.replaceChildren();
  }

  /** The digits to watch, once per run. */
  setStrip(strip: { index: number; label: number; pixels: Uint8Array }[]): void {
    this.stripItems = strip.map(({ label, pixels }) => {
      const caption = h('figcaption', { class: 'mono' }, '…');
      const figure = h(
        'figure',
        { class: 'watch-digit' },
        digitCanvas(pixels, 0, `Test digit, a ${label}`),
        caption,
      );
      return { caption, figure, label };
    });
    this.strip.replaceChildren(...this.stripItems.map((item) => item.figure));
  }

  update(probe: Probe): void {
    probe.predictions.forEach((prediction, n) => {
      const item = this.stripItems[n];
      if (!item) return;
      const right = prediction.predicted === item.label;
      item.caption.textContent = `${prediction.predicted} · ${(prediction.confidence * 100).toFixed(0)}%`;
      item.figure.classList.toggle('wrong', !right);
      item.figure.dataset.predicted = String(prediction.predicted);
      item.figure.title = `a ${item.label}, read as ${prediction.predicted} (${(prediction.confidence * 100).toFixed(1)}%)`;
    });
    if (probe.kernels && probe.kernelShape) {
      const [count, , height, width] = probe.kernelShape;
      const plane = height * width;
      if (this.kernelCanvases.length !== count) {
        this.kernelCanvases = Array.from({ length: count }, (_, k) =>
          pixelCanvas(width, height, 10, `C1 kernel ${k + 1}`),
        );
        this.kernels.replaceChildren(...this.kernelCanvases);
      }
      this.kernelCanvases.forEach((canvas, k) => {
        let maxAbs = 1e-6;
        for (let i = 0; i < plane; i++)
          maxAbs = Math.max(maxAbs, Math.abs(probe.kernels![k * plane + i]));
        paint(canvas, probe.kernels!, -maxAbs, maxAbs, divergingColormap, k * plane);
      });
      this.kernels.dataset.checksum = String(
        probe.kernels.reduce((sum, value, i) => sum + value * ((i % 7) + 1), 0),
      );
    } else if (this.kernels.childElementCount === 0) {
      this.kernels.append(h('p', { class: 'hint' }, 'This model has no convolution layer.'));
    }
  }

  showMistakes(result: EpochResult, images: Uint8Array, testCount: number): void {
    const total = Math.round((result.testError * testCount) / 100);
    this.mistakesTitle.textContent = `Mistakes of pass ${result.epoch}: ${total.toLocaleString('en')}${
      total > result.mistakes.length ? ` (the first ${result.mistakes.length} shown)` : ''
    }`;
    this.mistakes.replaceChildren(
      ...result.mistakes.map(({ label, predicted }, n) =>
        h(
          'figure',
          { class: 'watch-digit wrong' },
          digitCanvas(images, n * SIDE * SIDE, `a ${label} read as ${predicted}`),
          h('figcaption', { class: 'mono' }, `${label}→${predicted}`),
        ),
      ),
    );
  }
}
