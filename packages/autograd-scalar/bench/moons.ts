import { MLP, makeMoons, moonsLoss, topologicalOrder } from '@lenet/autograd-scalar';

const data = makeMoons({ seed: 1337 });
const model = new MLP(2, [16, 16, 1], { seed: 1337 });
const nodes = topologicalOrder(moonsLoss(model, data).loss).length;
function step(k: number) {
  const { loss } = moonsLoss(model, data);
  model.zeroGrad();
  loss.backward();
  const lr = 1 - (0.9 * (k % 100)) / 100;
  for (const p of model.parameters()) p.data -= lr * p.grad;
}
for (let k = 0; k < 20; k++) step(k);
const rates: number[] = [];
for (let round = 0; round < 7; round++) {
  const steps = 30;
  const t0 = performance.now();
  for (let k = 0; k < steps; k++) step(k);
  rates.push(steps / ((performance.now() - t0) / 1000));
}
rates.sort((a, b) => a - b);
console.log({ nodes, best: rates[6].toFixed(1), median: rates[3].toFixed(1) });
