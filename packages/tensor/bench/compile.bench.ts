// Compiled step vs eager tape on a model outside the LeNet zoo (src/testing/custom-cnn.ts: conv,
// ReLU, max pooling, dropout, a residual addition, cross-entropy written with ops): training
// steps (forward + loss + backward, no optimizer) per CPU-second at batch 1 and 32. Prints a
// table; never fails on time.
// Run: npx tsx --conditions=@lenet/source bench/compile.bench.ts [seconds per row]
import { compile, getBackend, type Tensor } from '../src/index.js';
import { customCnn, customCnnBatch } from '../src/testing/custom-cnn.js';

const secondsPerRow = Number(process.argv[2] ?? 2);

function stepsPerCpuSecond(step: () => void): number {
  for (let i = 0; i < 20; i++) step();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  let steps = 0;
  while (performance.now() - wallStart < secondsPerRow * 1000) {
    step();
    steps++;
  }
  const used = process.cpuUsage(cpuStart);
  return steps / ((used.user + used.system) / 1e6);
}

const rows: Record<string, string>[] = [];
for (const batch of [1, 32]) {
  const model = customCnn(1);
  const parameters = Object.values(model.parameters);
  const { images, labels } = customCnnBatch(2, batch);
  const eagerStep = (x: Tensor, y: Tensor<'int32'>) => {
    for (const parameter of parameters) parameter.grad = null;
    const loss = model.forward(x, y);
    loss.backward();
    return loss;
  };
  const compiledStep = compile(eagerStep);
  const eager = stepsPerCpuSecond(() => eagerStep(images, labels));
  const compiled = stepsPerCpuSecond(() => compiledStep(images, labels));
  rows.push({
    batch: String(batch),
    'eager steps/cpu-s': eager.toFixed(0),
    'compiled steps/cpu-s': compiled.toFixed(0),
    'compiled / eager': `${(compiled / eager).toFixed(1)}x`,
  });
}
console.log(`custom CNN, backend ${getBackend().name}`);
console.table(rows);
