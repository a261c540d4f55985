import { Generator } from '@lenet/tensor';
import { formatCount, IdxFormatError } from './idx-format-error.js';
import type { IdxArray } from './idx-types.js';

/** The arrays every view of one data set shares; never copied by subset/take/split. */
export interface DatasetSource {
  /** All images, row-major, `count * height * width` bytes (0 = background, 255 = ink). */
  readonly images: Uint8Array;
  /** One label per image. */
  readonly labels: Uint8Array;
  readonly height: number;
  readonly width: number;
  /** Class names, index = label. Their count is the number of classes. */
  readonly classNames: readonly string[];
  /** For messages and reports, e.g. "mnist/train". */
  readonly name: string;
}

export interface DatasetSample {
  /** A view of the image's bytes (no copy): `height * width` values in 0..255. */
  readonly image: Uint8Array;
  readonly label: number;
}

/**
 * A list of labelled images: the whole of a source, or a selection of its rows. Selections
 * (`subset`, `take`, `split`) hold only an index array, so views of the 47 MB MNIST training
 * images cost nothing.
 */
export class Dataset {
  readonly source: DatasetSource;
  /** Rows of `source` in this data set, in order; `null` means all of them. */
  private readonly rows: Int32Array | null;

  constructor(source: DatasetSource, rows: Int32Array | null = null) {
    const pixels = source.height * source.width;
    if (source.images.length !== source.labels.length * pixels) {
      throw new RangeError(
        `Dataset ${source.name}: ${source.labels.length} labels need ${source.labels.length * pixels} image bytes, got ${source.images.length}`,
      );
    }
    this.source = source;
    this.rows = rows;
  }

  get length(): number {
    return this.rows ? this.rows.length : this.source.labels.length;
  }

  get height(): number {
    return this.source.height;
  }

  get width(): number {
    return this.source.width;
  }

  get classCount(): number {
    return this.source.classNames.length;
  }

  /** The row of `source` that holds sample `index`. */
  sourceIndex(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(
        `Dataset ${this.source.name}: index ${index} out of range [0, ${this.length})`,
      );
    }
    return this.rows ? this.rows[index] : index;
  }

  label(index: number): number {
    return this.source.labels[this.sourceIndex(index)];
  }

  /** A view of image `index` (no copy). */
  image(index: number): Uint8Array {
    const pixels = this.height * this.width;
    const start = this.sourceIndex(index) * pixels;
    return this.source.images.subarray(start, start + pixels);
  }

  get(index: number): DatasetSample {
    return { image: this.image(index), label: this.label(index) };
  }

  /** The samples at `indices` (positions in this data set), in that order. */
  subset(indices: ArrayLike<number>): Dataset {
    const rows = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) rows[i] = this.sourceIndex(indices[i]);
    return new Dataset(this.source, rows);
  }

  /**
   * The first `count` samples, or, given a `seed`, a class-balanced random sample of `count`
   * (each class gets `count / classCount`, the remainder going to classes picked by the seed),
   * kept in data-set order. For learning curves at several training-set sizes.
   */
  take(count: number, options: { seed?: number } = {}): Dataset {
    if (!Number.isInteger(count) || count < 0 || count > this.length) {
      throw new RangeError(
        `Dataset ${this.source.name}.take: count must be an integer in [0, ${this.length}], got ${count}`,
      );
    }
    if (options.seed === undefined) return this.subset(rangeArray(0, count));
    return this.subset(this.balancedSample(count, new Generator(options.seed)));
  }

  /**
   * A seeded random split into `validation` (`validationSize` samples, or that fraction when
   * below 1) and `train` (the rest); both keep data-set order.
   */
  split(validationSize: number, seed = 0): { train: Dataset; validation: Dataset } {
    const size =
      validationSize > 0 && validationSize < 1
        ? Math.round(validationSize * this.length)
        : validationSize;
    if (!Number.isInteger(size) || size < 0 || size > this.length) {
      throw new RangeError(
        `Dataset ${this.source.name}.split: validation size must be a fraction in (0, 1) or an integer in [0, ${this.length}], got ${validationSize}`,
      );
    }
    const order = new Generator(seed).permutation(this.length);
    const validation = order.subarray(0, size).sort();
    const train = order.subarray(size).sort();
    return { train: this.subset(train), validation: this.subset(validation) };
  }

  /** How many samples of each class this data set holds. */
  classCounts(): number[] {
    const counts = new Array<number>(this.classCount).fill(0);
    for (let i = 0; i < this.length; i++) counts[this.label(i)]++;
    return counts;
  }

  private balancedSample(count: number, generator: Generator): Int32Array {
    const classCount = this.classCount;
    const byClass: number[][] = Array.from({ length: classCount }, () => []);
    for (let i = 0; i < this.length; i++) byClass[this.label(i)].push(i);
    const quotas = new Array<number>(classCount).fill(Math.floor(count / classCount));
    const classOrder = generator.permutation(classCount);
    for (let k = 0; k < count % classCount; k++) quotas[classOrder[k]]++;
    const chosen: number[] = [];
    for (let label = 0; label < classCount; label++) {
      const members = byClass[label];
      if (members.length < quotas[label]) {
        throw new RangeError(
          `Dataset ${this.source.name}.take: a balanced sample of ${count} needs ${quotas[label]} samples of class ${label}, only ${members.length} exist`,
        );
      }
      // Partial Fisher-Yates: the first quota entries become a uniform random choice.
      for (let i = 0; i < quotas[label]; i++) {
        const j = i + generator.int(members.length - i);
        [members[i], members[j]] = [members[j], members[i]];
        chosen.push(members[i]);
      }
    }
    return Int32Array.from(chosen).sort();
  }
}

function rangeArray(start: number, end: number): Int32Array {
  const out = new Int32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

export interface IdxPairOptions {
  imagesFile?: string;
  labelsFile?: string;
  name?: string;
  /** Defaults to the digits "0" .. "9". */
  classNames?: readonly string[];
}

export const DIGIT_CLASS_NAMES: readonly string[] = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
];

/** Checks that an image file and a label file belong together and wraps them as a Dataset. */
export function datasetFromIdx(
  images: IdxArray,
  labels: IdxArray,
  options: IdxPairOptions = {},
): Dataset {
  const imagesFile = options.imagesFile ?? '<images>';
  const labelsFile = options.labelsFile ?? '<labels>';
  const classNames = options.classNames ?? DIGIT_CLASS_NAMES;
  if (images.type !== 'ubyte' || images.shape.length !== 3) {
    throw new IdxFormatError(
      imagesFile,
      `expected ubyte images of shape [count, rows, columns], found ${images.type} of shape [${images.shape.join(', ')}]`,
    );
  }
  if (labels.type !== 'ubyte' || labels.shape.length !== 1) {
    throw new IdxFormatError(
      labelsFile,
      `expected ubyte labels of shape [count], found ${labels.type} of shape [${labels.shape.join(', ')}]`,
    );
  }
  const [imageCount, height, width] = images.shape;
  const labelCount = labels.shape[0];
  if (imageCount !== labelCount) {
    throw new IdxFormatError(
      imagesFile,
      `holds ${formatCount(imageCount)} images but ${labelsFile} holds ${formatCount(labelCount)} labels`,
    );
  }
  const labelData = labels.data as Uint8Array;
  for (let i = 0; i < labelData.length; i++) {
    if (labelData[i] >= classNames.length) {
      throw new IdxFormatError(
        labelsFile,
        `label ${labelData[i]} at index ${formatCount(i)} is outside 0..${classNames.length - 1}`,
      );
    }
  }
  return new Dataset({
    images: images.data as Uint8Array,
    labels: labelData,
    height,
    width,
    classNames,
    name: options.name ?? imagesFile,
  });
}
