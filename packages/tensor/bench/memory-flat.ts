// 10,000 LeNet-5 training steps (forward + backward + SGD) in one synchronous loop on the
// current backend, printing memory after step 1,000 and step 10,000: the WebAssembly memory
// (wasm backend), the JS heap and the process RSS.
//   npx tsx --conditions=@lenet/source bench/memory-flat.ts [steps=10000] [batch=8]
import { Generator, getBackend, tensor, uniform, wasmMemoryStatistics } from '../src/index.js';
import { lenet5, trainStep } from './lenet5.js';

const steps = Number(process.argv[2] ?? 10_000);
const batch = Number(process.argv[3] ?? 8);
const backend = getBackend();
const generator = new Generator(7);
const images = uniform([batch, 1, 32, 32], -0.1, 1.175, generator);
const labels = tensor(
  Int32Array.from({ length: batch }, (_, i) => i % 10),
  [batch, 1],
  { dtype: 'int32' },
);
const net = lenet5(1);
const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const report = (step: number, loss: number) => {
  const wasm = wasmMemoryStatistics(backend);
  const { heapUsed, rss } = process.memoryUsage();
  console.log(
    `step ${String(step).padStart(6)}  loss ${loss.toFixed(4)}  ` +
      (wasm ? `wasm memory ${megabytes(wasm.reservedBytes)} (evictions ${wasm.evictions})  ` : '') +
      `JS heap ${megabytes(heapUsed)}  RSS ${megabytes(rss)}`,
  );
};
console.log(
  `backend ${backend.name}${backend.variant ? ` (${backend.variant})` : ''}, batch ${batch}`,
);
const start = performance.now();
for (let step = 1; step <= steps; step++) {
  const loss = trainStep(net, images, labels, 0.02);
  if (step === Math.min(1000, steps) || step === steps || step % 2500 === 0) report(step, loss);
}
console.log(`${((performance.now() - start) / steps).toFixed(2)} ms per step`);
