/**
 * Every layer's outputs as small images: feature maps as one picture each, vectors as a grid
 * of cells (F6's 84 units in the 7x12 layout of the RBF codes they are compared with).
 * Pointing at a unit shows its value.
 */
import { RBF_CODE_HEIGHT, RBF_CODE_LENGTH, RBF_CODE_WIDTH, rbfDigitCodes } from '@lenet/nn-layers';
import { h } from '../dom.js';
import { divergingColormap, inkColormap, paint, pixelCanvas } from '../image-canvas.js';
import type { LayerActivation } from '../network.js';
import type { UnitRef } from './unit-explainer.js';

interface Picture {
  canvas: HTMLCanvasElement;
  /** Offset of this picture's first value in the layer's data. */
  offset: number;
  width: number;
  height: number;
}

interface LayerRow {
  activation: LayerActivation;
  pictures: Picture[];
  /** For vectors: how many values the grid shows (the rest of the cells stay blank). */
  count: number;
}

/** Grid width for a vector of n values (84 -> 7 as the RBF codes, else about square). */
function gridWidth(n: number): number {
  if (n === RBF_CODE_WIDTH * RBF_CODE_HEIGHT) return RBF_CODE_WIDTH;
  if (n <= 12) return n;
  return Math.ceil(Math.sqrt(n * 1.5));
}

const TITLES: Record<string, string> = {
  c1: 'C1 · convolutions 5x5',
  s2: 'S2 · sub-sampling',
  c3: 'C3 · convolutions 5x5 (partial connections)',
  s4: 'S4 · sub-sampling',
  c5: 'C5 · convolutions 5x5 = full connection',
  f6: 'F6 · full connection',
  output: 'Output · Euclidean RBF penalties (smaller = closer)',
};

export function describeShape(shape: readonly number[]): string {
  if (shape.length === 3 && shape[1] > 1) return `${shape[0]}@${shape[1]}x${shape[2]}`;
  return `${shape.reduce((product, size) => product * size, 1)}`;
}

export class LayerView {
  readonly element = h('div', { class: 'layer-view' });
  private rows: LayerRow[] = [];
  private structure = '';
  private readonly tooltip = h('div', { class: 'tooltip', hidden: true });
  private readonly codes = rbfDigitCodes();
  /** Beside F6: the RBF code (the stylised digit) of the answer, which F6 is compared with. */
  private readonly code = pixelCanvas(
    RBF_CODE_WIDTH,
    RBF_CODE_HEIGHT,
    10,
    'RBF code of the answer',
  );
  private readonly codeCaption = h('span', { class: 'code-caption' });
  private readonly announcer = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });

  /** Called when a unit is clicked (or chosen with Enter): which layer, map and position. */
  onSelect: (unit: UnitRef) => void = () => {};

  constructor() {
    // Inside the main landmark (fixed position: it still floats over everything).
    (document.querySelector('main') ?? document.body).append(this.tooltip);
  }

  /** The unit under (x, y) of `picture`, or null outside the layer's units. */
  private unitAt(row: LayerRow, picture: Picture, x: number, y: number): UnitRef | null {
    if (x < 0 || y < 0 || x >= picture.width || y >= picture.height) return null;
    if (row.count > 0) {
      const index = y * picture.width + x;
      return index < row.count ? { layer: row.activation.name, map: index, x: 0, y: 0 } : null;
    }
    const map = Math.floor(picture.offset / (picture.width * picture.height));
    return { layer: row.activation.name, map, x, y };
  }

  /** Shows `layers` (skipping the input and shape-only layers); rebuilds when the model changes. */
  update(layers: readonly LayerActivation[], answer: number | null = null): void {
    const shown = layers.filter((layer, i) => i > 0 && layer.name !== 'flatten');
    const structure = shown.map((layer) => `${layer.name}:${layer.shape.join('x')}`).join('|');
    if (structure !== this.structure) this.build(shown, structure);
    this.rows.forEach((row, i) => {
      row.activation = shown[i];
      this.paintRow(row, i === this.rows.length - 1);
    });
    if (answer !== null) {
      paint(this.code, this.codes, -1, 1, divergingColormap, answer * RBF_CODE_LENGTH);
      this.codeCaption.textContent = `code of ${answer}`;
    }
  }

  private build(layers: readonly LayerActivation[], structure: string): void {
    this.structure = structure;
    this.rows = [];
    this.element.replaceChildren(this.announcer);
    for (const activation of layers) {
      const { shape } = activation;
      const pictures: Picture[] = [];
      let count = 0;
      if (shape.length === 3 && shape[1] > 1) {
        const [channels, height, width] = shape;
        const zoom = Math.max(2, Math.round(56 / height));
        for (let c = 0; c < channels; c++) {
          pictures.push({
            canvas: pixelCanvas(width, height, zoom, `${activation.name} map ${c + 1}`),
            offset: c * height * width,
            width,
            height,
          });
        }
      } else {
        count = shape.reduce((product, size) => product * size, 1);
        const width = gridWidth(count);
        const height = Math.ceil(count / width);
        const zoom = count <= 12 ? 22 : 10;
        pictures.push({
          canvas: pixelCanvas(width, height, zoom, `${activation.name} units`),
          offset: 0,
          width,
          height,
        });
      }
      const row: LayerRow = { activation, pictures, count };
      for (const picture of pictures) this.attachHover(row, picture);
      const maps = h(
        'div',
        {
          class: 'layer-maps',
          tabindex: 0,
          'aria-label': `${TITLES[activation.name] ?? activation.name}: use the arrow keys to read unit values, Enter to see where one comes from`,
        },
        ...pictures.map((picture) => picture.canvas),
        activation.name === 'f6' && count === RBF_CODE_LENGTH
          ? h('figure', { class: 'code-figure' }, this.code, this.codeCaption)
          : null,
      );
      this.attachKeyboard(row, maps, this.announcer);
      this.rows.push(row);
      this.element.append(
        h(
          'div',
          { class: 'layer-row', 'data-layer': activation.name },
          h(
            'div',
            { class: 'layer-title' },
            h('strong', null, TITLES[activation.name] ?? activation.name),
            h('span', { class: 'badge' }, describeShape(shape)),
          ),
          maps,
        ),
      );
    }
  }

  private paintRow(row: LayerRow, isOutput: boolean): void {
    const { data } = row.activation;
    let maxAbs = 1e-6;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < data.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(data[i]));
      min = Math.min(min, data[i]);
      max = Math.max(max, data[i]);
    }
    for (const picture of row.pictures) {
      if (row.count > 0) {
        // Pad the vector to its grid with zeros.
        const cells = new Float32Array(picture.width * picture.height);
        cells.set(data.subarray(0, row.count));
        if (isOutput)
          paint(
            picture.canvas,
            cells.map((value, i) => (i < row.count ? value : max)),
            max,
            min,
            inkColormap,
          );
        else paint(picture.canvas, cells, -maxAbs, maxAbs, divergingColormap);
      } else {
        paint(picture.canvas, data, -maxAbs, maxAbs, divergingColormap, picture.offset);
      }
    }
  }

  /** "c1 map 3 (4, 7): 0.1234", or null outside the layer's units. */
  private describeUnit(row: LayerRow, picture: Picture, x: number, y: number): string | null {
    if (x < 0 || y < 0 || x >= picture.width || y >= picture.height) return null;
    const index = picture.offset + y * picture.width + x;
    if (row.count > 0 && index >= row.count) return null;
    const where =
      row.count > 0
        ? `unit ${index}`
        : `map ${Math.floor(picture.offset / (picture.width * picture.height)) + 1} (${x}, ${y})`;
    return `${row.activation.name} ${where}: ${row.activation.data[index].toFixed(4)}`;
  }

  private showTooltip(text: string | null, left: number, top: number): void {
    this.tooltip.hidden = text === null;
    if (text === null) return;
    this.tooltip.textContent = text;
    this.tooltip.style.left = `${left + 12}px`;
    this.tooltip.style.top = `${top + 12}px`;
  }

  private attachHover(row: LayerRow, picture: Picture): void {
    const show = (event: PointerEvent) => {
      const rect = picture.canvas.getBoundingClientRect();
      const x = Math.floor(((event.clientX - rect.left) / rect.width) * picture.width);
      const y = Math.floor(((event.clientY - rect.top) / rect.height) * picture.height);
      this.showTooltip(this.describeUnit(row, picture, x, y), event.clientX, event.clientY);
    };
    picture.canvas.addEventListener('pointermove', show);
    picture.canvas.addEventListener('pointerdown', (event) => {
      show(event);
      const rect = picture.canvas.getBoundingClientRect();
      const x = Math.floor(((event.clientX - rect.left) / rect.width) * picture.width);
      const y = Math.floor(((event.clientY - rect.top) / rect.height) * picture.height);
      const unit = this.unitAt(row, picture, x, y);
      if (unit) this.onSelect(unit);
    });
    picture.canvas.addEventListener('pointerleave', () => {
      this.tooltip.hidden = true;
    });
  }

  /**
   * Keyboard reading of unit values: the layer's maps take focus; arrows move over the units
   * (left/right run on into the next map), and the value is shown and announced.
   */
  private attachKeyboard(row: LayerRow, container: HTMLElement, announcer: HTMLElement): void {
    const cursor = { picture: 0, x: 0, y: 0 };
    const show = () => {
      const picture = row.pictures[cursor.picture];
      const text = this.describeUnit(row, picture, cursor.x, cursor.y);
      const rect = picture.canvas.getBoundingClientRect();
      const left = rect.left + ((cursor.x + 0.5) / picture.width) * rect.width;
      const top = rect.top + ((cursor.y + 0.5) / picture.height) * rect.height;
      this.showTooltip(text, left, top);
      announcer.textContent = text ?? '';
    };
    container.addEventListener('focus', show);
    container.addEventListener('blur', () => {
      this.tooltip.hidden = true;
    });
    container.addEventListener('keydown', (event) => {
      const picture = row.pictures[cursor.picture];
      const moves: Record<string, () => void> = {
        ArrowRight: () => {
          if (cursor.x + 1 < picture.width) cursor.x++;
          else if (cursor.picture + 1 < row.pictures.length) {
            cursor.picture++;
            cursor.x = 0;
          }
        },
        ArrowLeft: () => {
          if (cursor.x > 0) cursor.x--;
          else if (cursor.picture > 0) {
            cursor.picture--;
            cursor.x = row.pictures[cursor.picture].width - 1;
          }
        },
        ArrowDown: () => {
          cursor.y = Math.min(picture.height - 1, cursor.y + 1);
        },
        ArrowUp: () => {
          cursor.y = Math.max(0, cursor.y - 1);
        },
      };
      if (event.key === 'Enter') {
        const unit = this.unitAt(row, picture, cursor.x, cursor.y);
        if (unit) this.onSelect(unit);
        return;
      }
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      move();
      show();
    });
  }
}
