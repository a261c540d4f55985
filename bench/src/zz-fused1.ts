import { lenet5Modern } from '@lenet/nn-layers';
import { Generator } from '@lenet/tensor';
import { FusedStep } from '../../packages/trainer/src/fused/fused-step.js';
import { SGD } from '../../packages/trainer/src/sgd.js';

const batch = Number(process.argv[2] ?? 1);
const model = lenet5Modern({ activation: 'tanh', pooling: 'avg' });
const opt = new SGD(model.parameters(), { learningRate: 0.01, momentum: 0.9 });
const images = new Float32Array(batch * 1024);
new Generator(1).fillUniform(images, -0.1, 1.175);
const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
const out = new Float32Array(batch * 10);
const fused = FusedStep.for(model, 'cross-entropy', [1, 32, 32])!;
const t = performance.now();
let n = 0;
const c0 = process.cpuUsage();
while (performance.now() - t < 4000) {
  fused.train(images, labels, 0, batch, out);
  opt.step();
  n++;
}
console.log('cpu img/s', (n * batch) / (process.cpuUsage(c0).user / 1e6));
