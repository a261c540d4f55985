// Steps per second of micrograd's demo: one step = forward over all 100 points, hinge loss +
// L2, backward, SGD update, for the 2-16-16-1 MLP (337 parameters).
// Run: pnpm bench (prints the default heap and a 64 MB young generation, since this workload
// is dominated by garbage collection of the ~69,000 nodes each step builds).
import { MLP, makeMoons, moonsLoss, topologicalOrder } from '@lenet/autograd-scalar';

const data = makeMoons();
const model = new MLP(2, [16, 16, 1], { seed: 1337 });
const nodesPerStep = topologicalOrder(moonsLoss(model, data).loss).length;

function step(k: number): void {
  const { loss } = moonsLoss(model, data);
  model.zeroGrad();
  loss.backward();
  const learningRate = 1 - (0.9 * (k % 100)) / 100;
  for (const parameter of model.parameters()) parameter.data -= learningRate * parameter.grad;
}

for (let k = 0; k < 20; k++) step(k); // warm up the JIT
const rounds = 7;
const stepsPerRound = 30;
const rates: number[] = [];
const cpuRates: number[] = [];
for (let round = 0; round < rounds; round++) {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let k = 0; k < stepsPerRound; k++) step(k);
  const cpu = process.cpuUsage(cpuStarted);
  rates.push(stepsPerRound / ((performance.now() - started) / 1000));
  // Steps per second of CPU time (all threads, GC helpers included): less sensitive to other
  // processes competing for the cores than wall time.
  cpuRates.push(stepsPerRound / ((cpu.user + cpu.system) / 1e6));
}
rates.sort((a, b) => a - b);
cpuRates.sort((a, b) => a - b);
const median = rates[rounds >> 1];
const best = rates[rounds - 1];
const heap = process.execArgv.find((flag) => flag.startsWith('--max-semi-space-size')) ?? 'default';
console.log(
  '| heap flags | nodes/step | steps/s (median) | steps/s (best) | nodes/s (median) | ms/step | steps per CPU-s |',
);
console.log('|---|---|---|---|---|---|---|');
console.log(
  `| ${heap} | ${nodesPerStep} | ${median.toFixed(1)} | ${best.toFixed(1)} | ${((median * nodesPerStep) / 1e6).toFixed(2)} M | ${(1000 / median).toFixed(1)} | ${cpuRates[rounds >> 1].toFixed(1)} |`,
);
