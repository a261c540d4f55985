// Compiled program vs eager autograd tape: LeNet-5 training steps (forward + MAP loss +
// backward, no optimizer) per second at batch 1 (the paper's on-line setting) and 32, in CPU
// time and wall time, and one SDLM Hessian estimate on 500 patterns. Prints a table; never
// fails on time. Run: npx tsx --conditions=@lenet/source bench/compiled.bench.ts [seconds per row]
import { compile, getBackend, type Tensor, tensor } from '@lenet/tensor';
import { computeLoss, estimateDiagHessian, lenet5 } from '../src/index.js';

const secondsPerRow = Number(process.argv[2] ?? 3);

function randomImages(count: number, seed: number): Float32Array {
  const data = new Float32Array(count * 1024);
  let state = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = (state / 4294967296) * 1.275 - 0.1;
  }
  return data;
}

/** Runs `step` for about `secondsPerRow` and reports steps per CPU second and per wall second. */
function measure(step: () => void) {
  for (let i = 0; i < 20; i++) step();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  let steps = 0;
  while (performance.now() - wallStart < secondsPerRow * 1000) {
    step();
    steps++;
  }
  const wall = (performance.now() - wallStart) / 1000;
  const cpuUsed = process.cpuUsage(cpuStart);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
  return { steps, cpu, wall };
}

const pool = 64;
const images = randomImages(pool, 1);
const labels = Int32Array.from({ length: pool }, (_, i) => i % 10);
const rows: Record<string, string | number>[] = [];
for (const batch of [1, 32]) {
  const model = lenet5({ seed: 1 });
  const parameters = model.parameters();
  const step = compile((input: Tensor, target: Tensor<'int32'>) => {
    for (const parameter of parameters) parameter.grad = null;
    const loss = computeLoss('rbf-map', model.forward(input), target);
    loss.backward();
    return loss;
  });
  const inputs = Array.from({ length: pool / batch }, (_, b) => ({
    input: tensor(images.subarray(b * batch * 1024, (b + 1) * batch * 1024), [batch, 1, 32, 32]),
    labels: tensor(labels.subarray(b * batch, (b + 1) * batch), [batch]),
  }));
  let next = 0;
  const compiled = measure(() => {
    const { input, labels: batchLabels } = inputs[next];
    next = (next + 1) % inputs.length;
    step(input, batchLabels);
  });
  const taped = measure(() => {
    const { input, labels: batchLabels } = inputs[next];
    next = (next + 1) % inputs.length;
    model.zeroGrad();
    computeLoss('rbf-map', model.forward(input), batchLabels).backward();
  });
  for (const [path, result] of [
    ['compiled', compiled],
    ['tape', taped],
  ] as const) {
    rows.push({
      path,
      batch,
      'steps/cpu-s': (result.steps / result.cpu).toFixed(0),
      'steps/wall-s': (result.steps / result.wall).toFixed(0),
      'images/wall-s': ((result.steps * batch) / result.wall).toFixed(0),
      'ms/step (wall)': ((1000 * result.wall) / result.steps).toFixed(3),
    });
  }
}
console.log(
  `backend: ${getBackend().name}${getBackend().variant ? ` (${getBackend().variant})` : ''}`,
);
console.table(rows);

const model = lenet5({ seed: 1 });
const hessianImages = randomImages(500, 2);
const hessianLabels = Int32Array.from({ length: 500 }, (_, i) => i % 10);
const hessianRows: Record<string, string>[] = [];
const started = performance.now();
estimateDiagHessian(
  model,
  { input: tensor(hessianImages, [500, 1, 32, 32]), labels: tensor(hessianLabels, [500]) },
  'rbf-map',
);
hessianRows.push({
  'Hessian, 500 patterns': 'tape (batch 500)',
  ms: (performance.now() - started).toFixed(0),
});
console.table(hessianRows);
