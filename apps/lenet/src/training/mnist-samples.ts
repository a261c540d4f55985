import { type Dataset, type Normalization, pixelTable, writeImage } from '@lenet/datasets-mnist';
import type { LabelledSamples } from '@lenet/trainer';

/** How a model wants its input: MNIST's 0..255 bytes become floats, with padding around. */
export interface InputFormat {
  readonly normalization: Normalization;
  /** Background pixels added on every side: 2 makes 28x28 into LeNet-5's 32x32. */
  readonly padding: number;
}

/**
 * A data set as the trainer reads it: each image is written straight into the trainer's batch
 * buffer as floats (one table lookup per pixel, background around it). Nothing is copied or
 * allocated per sample.
 */
export function mnistSamples(dataset: Dataset, input: InputFormat): LabelledSamples {
  const table = pixelTable(input.normalization);
  const { height, width } = dataset;
  return {
    length: dataset.length,
    sampleShape: [1, height + 2 * input.padding, width + 2 * input.padding],
    classCount: dataset.classCount,
    readSample(index, out, offset) {
      writeImage(dataset.image(index), 0, height, width, table, input.padding, out, offset);
      return dataset.label(index);
    },
  };
}

/** One 28x28 byte image as the model's input floats. */
export function inputFromBytes(pixels: Uint8Array, size: number, input: InputFormat): Float32Array {
  const padded = size + 2 * input.padding;
  const out = new Float32Array(padded * padded);
  writeImage(pixels, 0, size, size, pixelTable(input.normalization), input.padding, out, 0);
  return out;
}

/** The float value of the background (pixel byte 0) under `input`'s normalization. */
export function backgroundValue(input: InputFormat): number {
  return pixelTable(input.normalization)[0];
}
