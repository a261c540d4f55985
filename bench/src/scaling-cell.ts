// One cell of the scaling table, measured in this process: LeNet-5 (modern form, tanh,
// average pooling), cross-entropy, SGD momentum, on `threads` threads. One thread runs the
// compiled plan (`BatchRunner` through a one-replica `DataParallel`, no worker); more run the
// data-parallel engine's replicas. Prints `RESULT {"wall":..,"cpu":..}` (images/s).
//   tsx src/scaling-cell.ts THREADS train|infer BATCH
import { lenet5Modern } from '@lenet/nn-layers';
import { DataParallel, SGD } from '@lenet/trainer';
import { imagesPerSecondAsync, syntheticBatch } from './timing.js';

const [threads, kind, batch] = [Number(process.argv[2]), process.argv[3], Number(process.argv[4])];
if (!Number.isInteger(threads) || threads < 1 || !Number.isInteger(batch) || batch < 1) {
  throw new RangeError('scaling-cell: expected THREADS (>= 1) train|infer BATCH (>= 1)');
}
if (kind !== 'train' && kind !== 'infer') {
  throw new RangeError(`scaling-cell: expected train or infer, got ${kind}`);
}
const model = lenet5Modern({ activation: 'tanh', pooling: 'avg', seed: 1 });
const optimizer = new SGD(model.parameters(), { learningRate: 0.01, momentum: 0.9 });
const engine = await DataParallel.open({
  model,
  loss: 'cross-entropy',
  threads,
  sampleShape: [1, 32, 32],
  capacity: batch,
});
const { images, labels } = syntheticBatch(batch);
const inputs = engine.inputBuffers();
inputs.images.set(images);
inputs.labels.set(labels);
if (kind === 'infer') model.eval();
const rate = await imagesPerSecondAsync(
  kind === 'train'
    ? async () => {
        await engine.trainBatch(inputs.images, inputs.labels, batch);
        optimizer.step();
      }
    : async () => {
        await engine.evaluateBatch(inputs.images, inputs.labels, batch);
      },
  batch,
);
await engine.close();
process.stdout.write(`RESULT ${JSON.stringify(rate)}\n`);
process.exit(0);
