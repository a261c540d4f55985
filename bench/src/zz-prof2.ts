import { computeLoss, lenet5Modern } from '@lenet/nn-layers';
import { Generator, getBackend, tensor, wasmMemoryStatistics, zeros } from '@lenet/tensor';
import { SGD } from '@lenet/trainer';

const batch = Number(process.argv[2] ?? 1);
const yieldEvery = Number(process.argv[3] ?? 0);
const model = lenet5Modern({ activation: 'tanh', pooling: 'avg' });
const opt = new SGD(model.parameters(), { learningRate: 0.01, momentum: 0.9 });
const x = zeros([batch, 1, 32, 32]);
new Generator(1).fillUniform(x.data, -0.1, 1.175);
const y = tensor(
  Int32Array.from({ length: batch }, (_, i) => i % 10),
  [batch],
);
const t = performance.now();
let n = 0;
const c0 = process.cpuUsage();
while (performance.now() - t < 4000) {
  opt.zeroGrad();
  const l = computeLoss('cross-entropy', model.forward(x), y);
  l.item();
  l.backward();
  opt.step();
  n++;
  if (yieldEvery && n % yieldEvery === 0) await new Promise((r) => setImmediate(r));
}
const cpu = process.cpuUsage(c0).user / 1e6;
console.log(
  batch,
  yieldEvery,
  'wall',
  ((n * batch) / ((performance.now() - t) / 1000)).toFixed(0),
  'cpu',
  ((n * batch) / cpu).toFixed(0),
  JSON.stringify(wasmMemoryStatistics(getBackend())),
);
