import { lenet5Modern } from '@lenet/nn-layers';
import { DataParallel, SGD } from '@lenet/trainer';
import { syntheticBatch } from './timing.js';

const threads = Number(process.argv[2] ?? 2);
const batch = Number(process.argv[3] ?? 32);
const model = lenet5Modern({ activation: 'tanh', pooling: 'avg', seed: 1 });
const optimizer = new SGD(model.parameters(), { learningRate: 0.01, momentum: 0.9 });
const engine = await DataParallel.open({
  model,
  loss: 'cross-entropy',
  threads,
  sampleShape: [1, 32, 32],
  capacity: 1000,
});
const { images, labels } = syntheticBatch(batch);
for (let i = 0; i < 20; i++) {
  await engine.trainBatch(images, labels, batch);
  optimizer.step();
}
const c0 = process.cpuUsage();
const t = performance.now();
let n = 0;
while (performance.now() - t < 4000) {
  await engine.trainBatch(images, labels, batch);
  optimizer.step();
  n++;
}
const c = process.cpuUsage(c0);
console.log(
  threads,
  batch,
  'wall',
  ((n * batch) / ((performance.now() - t) / 1000)).toFixed(0),
  'cpu',
  ((n * batch) / ((c.user + c.system) / 1e6)).toFixed(0),
);
await engine.close();
