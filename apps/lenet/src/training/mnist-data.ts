import type { Dataset } from '@lenet/datasets-mnist';
import { loadMnist } from '@lenet/datasets-mnist/node';

export interface MnistData {
  readonly train: Dataset;
  readonly test: Dataset;
}

let loading: Promise<MnistData> | null = null;

/** The bundled MNIST (60,000 + 10,000 images), read and checked once per process. */
export function mnistData(): Promise<MnistData> {
  loading ??= Promise.all([loadMnist({ split: 'train' }), loadMnist({ split: 'test' })]).then(
    ([train, test]) => ({ train, test }),
  );
  return loading;
}
