// This project: LeNet-5 (modern form) on the `reference` or `wasm` backend, 1 or 2 threads.
// Training takes the path `fit` takes: the DataParallel engine, whose replicas (this thread
// alone for one thread, and for a batch of 1, which is not split) run compiled programs.
// Inference is a compiled forward on one thread, the engine's split evaluation on two.
import { lenet5Modern } from '@lenet/nn-layers';
import { compile, noGrad, setBackend, type Tensor, tensor } from '@lenet/tensor';
import { DataParallel, SGD } from '@lenet/trainer';
import {
  type ContenderResult,
  Figures,
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
  const figures = new Figures();
  try {
    for (const batch of TRAIN_BATCHES) {
      const { images, labels } = syntheticBatch(batch);
      figures.set(
        'train',
        batch,
        await imagesPerSecondAsync(async () => {
          await engine.trainBatch(images, labels, batch);
          optimizer.step();
        }, batch),
      );
    }
    if (threads > 1) figures.notes.push('batch 1 is not split: it runs on one thread');
    // Inference: a compiled forward (no loss) on this thread; split over the replicas when
    // there are several and the batch can be split.
    const forward = compile((images: Tensor) => noGrad(() => model.forward(images)));
    model.eval();
    for (const batch of INFER_BATCHES) {
      const { images, labels } = syntheticBatch(batch);
      const input = tensor(images, [batch, 1, 32, 32]);
      figures.set(
        'infer',
        batch,
        threads === 1 || batch === 1
          ? imagesPerSecond(() => void forward(input), batch)
          : await imagesPerSecondAsync(async () => {
              await engine.evaluateBatch(images, labels, batch);
            }, batch),
      );
    }
    model.train();
    if (threads === 1) {
      // What calling the model through the autograd ops gives (no tape under noGrad).
      const { images } = syntheticBatch(1);
      const input = tensor(images, [1, 1, 32, 32]);
      model.eval();
      const forward = noGrad(() => imagesPerSecond(() => void model.forward(input).data, 1)).wall;
      model.train();
      figures.notes.push(`model.forward (ops, noGrad) at batch 1: ${Math.round(forward)} images/s`);
    }
  } finally {
    await engine.close();
  }
  return figures.result(`lenet ${backend}, ${threads} thread${threads > 1 ? 's' : ''}`);
}
