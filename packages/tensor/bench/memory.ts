// Memory over a long training loop: a small conv net (conv 5x5 -> scaledTanh -> 2x2 average
// pooling -> dense -> log-softmax, NLL loss, SGD) runs forward + backward for `steps` steps on
// the current backend (LENET_BACKEND=reference|wasm) and prints heap and array-buffer sizes
// after a full GC at step `warmup` and at the end, as JSON. Needs --expose-gc:
//   node --expose-gc --import tsx --conditions=@lenet/source bench/memory.ts 10000 1000
import {
  conv2d,
  Generator,
  gather,
  getBackend,
  noGrad,
  randn,
  type Tensor,
  tensor,
  zeros,
} from '../src/index.js';

const steps = Number(process.argv[2] ?? 10_000);
const warmup = Number(process.argv[3] ?? 1_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const generator = new Generator(1);
const batch = 8;
const conv1Weight = randn([4, 1, 5, 5], generator, { std: 0.2, requiresGrad: true });
const conv1Bias = zeros([4], { requiresGrad: true });
const denseWeight = randn([4 * 6 * 6, 10], generator, { std: 0.05, requiresGrad: true });
const denseBias = zeros([10], { requiresGrad: true });
const parameters = [conv1Weight, conv1Bias, denseWeight, denseBias];

// One reused input batch buffer, refilled in place every step (as a data loader does).
const images = zeros([batch, 1, 16, 16]);
const labels = tensor(new Int32Array(batch), [batch, 1]);

function step(): number {
  generator.fillUniform(images.data, -0.1, 1.175);
  for (let i = 0; i < batch; i++) labels.data[i] = generator.int(10);
  const hidden = conv2d(images, conv1Weight, conv1Bias).scaledTanh();
  const pooled = hidden.reshape([batch, 4, 6, 2, 6, 2]).mean([3, 5]);
  const logits = pooled.reshape([batch, -1]).matmul(denseWeight).add(denseBias);
  const loss = gather(logits.logSoftmax(), 1, labels).mean().neg();
  loss.backward();
  noGrad(() => {
    for (const parameter of parameters) {
      const values = parameter.data;
      const grad = (parameter.grad as Tensor).data;
      for (let i = 0; i < values.length; i++) values[i] -= 0.05 * grad[i];
      grad.fill(0);
    }
  });
  return loss.item();
}

function measure() {
  gc!();
  gc!();
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, arrayBuffers: usage.arrayBuffers, rss: usage.rss };
}

let atWarmup = measure();
let firstLoss = 0;
let lastLoss = 0;
const started = performance.now();
for (let s = 1; s <= steps; s++) {
  lastLoss = step();
  if (s === 1) firstLoss = lastLoss;
  if (s === warmup) atWarmup = measure();
}
const atEnd = measure();
const ratio = (key: 'heapUsed' | 'arrayBuffers' | 'rss') => atEnd[key] / atWarmup[key];
console.log(
  JSON.stringify({
    backend: getBackend().name,
    steps,
    warmup,
    msPerStep: (performance.now() - started) / steps,
    firstLoss,
    lastLoss,
    atWarmup,
    atEnd,
    heapRatio: ratio('heapUsed'),
    arrayBuffersRatio: ratio('arrayBuffers'),
    rssRatio: ratio('rss'),
  }),
);
