import { type Dataset, pixelTable, writeImage } from '@lenet/datasets-mnist';
import type { LabelledSamples } from '../data.js';

// Test support (not built): MNIST as the paper feeds it, for the tests, the bench and the
// examples that train on real digits (the README example keeps its own copy: it runs as written).

/** `dataset` padded to 32x32, background -0.1, ink 1.175 (the paper's input). */
export function paperInput(dataset: Dataset): LabelledSamples {
  const table = pixelTable('paper');
  return {
    length: dataset.length,
    sampleShape: [1, 32, 32],
    readSample(index, out, offset) {
      writeImage(dataset.image(index), 0, 28, 28, table, 2, out, offset);
      return dataset.label(index);
    },
  };
}
