// What a compiled training step costs the WebGPU runtime on the host: dispatches, submits and
// uploads per step, and the CPU time of recording one dispatch (the replay call, without
// waiting for the GPU: the process's CPU time, counted while the GPU is idle, so a loaded
// machine disturbs it less than wall time), beside the wasm backend's time for the same step. The model
// is src/testing/custom-cnn.ts (conv, ReLU, max pooling, dropout, a residual addition,
// cross-entropy written with ops), forward + backward + an SGD update through add_.
// Run (Node; SwiftShader where there is no GPU):
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json \
//     npx tsx --conditions=@lenet/source bench/webgpu-record.ts [steps]
import { compile, setBackend, type Tensor, webGpuStatistics } from '../src/index.js';
import { initWebGpuBackendNode } from '../src/node.js';
import { customCnn, customCnnBatch } from '../src/testing/custom-cnn.js';

const steps = Number(process.argv[2] ?? 50);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A compiled SGD step of the custom CNN at `batch` on the current backend. */
function trainingStep(batch: number) {
  const model = customCnn(1);
  const parameters = Object.values(model.parameters);
  const { images, labels } = customCnnBatch(2, batch);
  const step = compile((x: Tensor, y: Tensor<'int32'>) => {
    for (const parameter of parameters) parameter.grad = null;
    const loss = model.forward(x, y);
    loss.backward();
    for (const parameter of parameters) parameter.add_(parameter.grad!, { alpha: -0.01 });
    return loss;
  });
  return () => step(images, labels);
}

async function measure(backend: 'wasm' | 'webgpu', batch: number) {
  setBackend(backend);
  const step = trainingStep(batch);
  for (let i = 0; i < 3; i++) await step().sync();
  const before = webGpuStatistics();
  const record: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const loss = step();
    const used = process.cpuUsage(cpu);
    await loss.sync();
    record.push((used.user + used.system) / 1000);
    total.push(performance.now() - start);
  }
  const after = webGpuStatistics();
  const per = (key: 'dispatches' | 'submits' | 'uploads') =>
    before && after && backend === 'webgpu' ? (after[key] - before[key]) / steps : 0;
  return { record: median(record), total: median(total), per };
}

await initWebGpuBackendNode();
const rows: Record<string, string>[] = [];
for (const batch of [1, 32]) {
  // Alternately, so that both see the same load on a shared machine.
  const wasm = await measure('wasm', batch);
  const gpu = await measure('webgpu', batch);
  const dispatches = gpu.per('dispatches');
  rows.push({
    batch: String(batch),
    'dispatches/step': dispatches.toFixed(0),
    'submits/step': gpu.per('submits').toFixed(1),
    'uploads/step': gpu.per('uploads').toFixed(1),
    'record cpu-us/dispatch': ((gpu.record * 1000) / dispatches).toFixed(1),
    'webgpu record cpu-ms/step': gpu.record.toFixed(2),
    'webgpu ms/step (with GPU)': gpu.total.toFixed(2),
    'wasm ms/step': wasm.total.toFixed(2),
  });
}
console.log(
  `custom CNN compiled SGD step, node ${process.version}, webgpu on ${setBackend('webgpu').variant}, medians of ${steps} steps`,
);
console.table(rows);
