import { lenet5Modern } from '@lenet/nn-layers';
import { Generator } from '@lenet/tensor';
import { FusedStep } from '../../packages/trainer/src/fused/fused-step.js';
import { SGD } from '../../packages/trainer/src/sgd.js';

for (const batch of [1, 32, 128]) {
  const model = lenet5Modern({ activation: 'tanh', pooling: 'avg' });
  const opt = new SGD(model.parameters(), { learningRate: 0.01, momentum: 0.9 });
  const images = new Float32Array(batch * 1024);
  new Generator(1).fillUniform(images, -0.1, 1.175);
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
  const out = new Float32Array(batch * 10);
  const fused = FusedStep.for(model, 'cross-entropy', [1, 32, 32])!;
  const step = () => {
    fused.train(images, labels, 0, batch, out);
    opt.step();
  };
  for (let i = 0; i < 20; i++) step();
  const t = performance.now();
  let n = 0;
  const c0 = process.cpuUsage();
  while (performance.now() - t < 2000) {
    step();
    n++;
  }
  const cpu = process.cpuUsage(c0).user / 1e6;
  const inferT = performance.now();
  let m = 0;
  while (performance.now() - inferT < 1000) {
    fused.evaluate(images, labels, 0, batch, out);
    m++;
  }
  console.log(
    batch,
    'train wall',
    ((n * batch) / ((performance.now() - t - 1000) / 1000)).toFixed(0),
    'cpu',
    ((n * batch) / cpu).toFixed(0),
    'infer',
    ((m * batch) / ((performance.now() - inferT) / 1000)).toFixed(0),
  );
}
