// This project: LeNet-5 (modern form) on the `reference` or `wasm` backend, 1 or 2 threads.
import { computeLoss, lenet5Modern } from '@lenet/nn-layers';
import { noGrad, setBackend, tensor } from '@lenet/tensor';
import { DataParallel, SGD } from '@lenet/trainer';
import {
  type ContenderResult,
  INFER_BATCHES,
  imagesPerSecond,
  imagesPerSecondAsync,
  syntheticBatch,
  TRAIN_BATCHES,
} from './timing.js';

export async function measureLenet(backend: string, threads: number): Promise<ContenderResult> {
  setBackend(backend);
  const model = lenet5Modern({ activation: 'tanh', pooling: 'avg', seed: 1 });
  const optimizer = new SGD(model.parameters(), { learningRate: 0.01, momentum: 0.9 });
  const engine = await DataParallel.open({
    model,
    loss: 'cross-entropy',
    threads,
    sampleShape: [1, 32, 32],
    capacity: 1000,
  });
  const notes: string[] = [];
  const train: Record<string, number | null> = {};
  const infer: Record<string, number | null> = {};
  try {
    for (const batch of TRAIN_BATCHES) {
      const { images, labels } = syntheticBatch(batch);
      if (batch === 1 || threads === 1) {
        // The single-thread path fit takes for these: no copies, no engine.
        const input = tensor(images, [batch, 1, 32, 32]);
        const target = tensor(labels, [batch]);
        train[batch] = imagesPerSecond(() => {
          optimizer.zeroGrad();
          const loss = computeLoss('cross-entropy', model.forward(input), target);
          loss.item();
          loss.backward();
          optimizer.step();
        }, batch);
      } else {
        train[batch] = await imagesPerSecondAsync(async () => {
          optimizer.zeroGrad();
          await engine.trainBatch(images, labels, batch);
          optimizer.step();
        }, batch);
      }
    }
    if (threads > 1) notes.push('batch 1 is not split: it runs on one thread');
    for (const batch of INFER_BATCHES) {
      const { images, labels } = syntheticBatch(batch);
      if (batch === 1 || threads === 1) {
        const input = tensor(images, [batch, 1, 32, 32]);
        model.eval();
        infer[batch] = noGrad(() => imagesPerSecond(() => void model.forward(input).data, batch));
        model.train();
      } else {
        infer[batch] = await imagesPerSecondAsync(async () => {
          await engine.evaluateBatch(images, labels, batch);
        }, batch);
      }
    }
  } finally {
    await engine.close();
  }
  return {
    name: `lenet ${backend}, ${threads} thread${threads > 1 ? 's' : ''}`,
    train,
    infer,
    notes,
  };
}
