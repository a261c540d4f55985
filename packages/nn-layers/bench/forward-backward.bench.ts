// Training-step throughput of the zoo models: forward + loss + backward (no optimizer), at the
// paper's batch size 1 and at 64, and the cost of one SDLM Hessian estimate on 500 patterns.
// Prints a table; never fails on time. Run: pnpm bench (in packages/nn-layers).
import { getBackend, tensor } from '@lenet/tensor';
import {
  computeLoss,
  createModel,
  estimateDiagHessian,
  type LossSpec,
  modelEntry,
} from '../src/index.js';

function randomData(length: number, seed: number): Float32Array {
  const data = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = (state / 4294967296) * 1.275 - 0.1;
  }
  return data;
}

function timeSteps(name: string, batch: number, minimumMilliseconds = 1500) {
  const model = createModel(name);
  const loss = modelEntry(name).defaultLoss as LossSpec;
  const shape = [batch, ...model.inputShape!];
  const sample = shape.reduce((a, b) => a * b, 1);
  const input = tensor(randomData(sample, 1), shape);
  const labels = tensor(
    Int32Array.from({ length: batch }, (_, i) => i % 10),
    [batch],
  );
  const step = () => {
    model.zeroGrad();
    computeLoss(loss, model.forward(input), labels).backward();
  };
  for (let i = 0; i < 5; i++) step();
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < minimumMilliseconds) {
    step();
    steps++;
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    model: name,
    batch,
    'steps/s': (steps / seconds).toFixed(1),
    'samples/s': ((steps * batch) / seconds).toFixed(0),
  };
}

function timeHessian(name: string) {
  const model = createModel(name);
  const loss = modelEntry(name).defaultLoss as LossSpec;
  const batches = Array.from({ length: 5 }, (_, b) => ({
    input: tensor(randomData(100 * 1024, b + 2), [100, ...model.inputShape!]),
    labels: tensor(
      Int32Array.from({ length: 100 }, (_, i) => i % 10),
      [100],
    ),
  }));
  const start = performance.now();
  estimateDiagHessian(model, batches, loss);
  return { model: name, patterns: 500, milliseconds: (performance.now() - start).toFixed(0) };
}

console.log(`backend: ${getBackend().name}`);
console.table([
  timeSteps('lenet5', 1),
  timeSteps('lenet5', 64),
  timeSteps('lenet5-modern', 1),
  timeSteps('lenet5-modern', 64),
  timeSteps('lenet1', 1),
  timeSteps('mlp-300', 1),
]);
console.table([timeHessian('lenet5')]);
