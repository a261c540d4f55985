// `fit`'s training throughput in images per CPU-second (less sensitive to a shared machine's
// load than wall time) and per wall-second, LeNet-5 (RBF output, MAP loss, SGD without and with
// weight decay) on random 32x32 images at batch sizes 1 and 32; for comparing two trees run
// alternately.
// Run: npx tsx --conditions=@lenet/source bench/fit-cpu.bench.ts [images]
import { lenet5 } from '@lenet/nn-layers';
import { Generator } from '@lenet/tensor';
import { samplesFromArrays } from '../src/data.js';
import { fit } from '../src/fit.js';
import { SGD } from '../src/sgd.js';

const COUNT = Number(process.argv[2] ?? 1000);
const generator = new Generator(1);
const images = generator.fillUniform(new Float32Array(COUNT * 32 * 32), -0.1, 1.175);
const labels = Int32Array.from({ length: COUNT }, () => generator.int(10));
const data = samplesFromArrays(images, labels, [1, 32, 32]);

async function measure(batchSize: number, weightDecay: number) {
  const model = lenet5({ seed: 1 });
  const cpu = process.cpuUsage();
  const started = performance.now();
  await fit(model, {
    train: data,
    loss: 'rbf-map',
    optimizer: new SGD(model.parameters(), { learningRate: 1e-4, weightDecay }),
    epochs: 1,
    batchSize,
  });
  const used = process.cpuUsage(cpu);
  return {
    perCpuSecond: COUNT / ((used.user + used.system) / 1e6),
    perWallSecond: COUNT / ((performance.now() - started) / 1000),
  };
}

await measure(32, 0); // warm-up
for (const weightDecay of [0, 1e-5]) {
  for (const batchSize of [1, 32]) {
    const { perCpuSecond, perWallSecond } = await measure(batchSize, weightDecay);
    console.log(
      `fit, LeNet-5, SGD${weightDecay ? ' + weight decay' : '               '}, batch ${String(batchSize).padStart(2)}: ${perCpuSecond.toFixed(0)} img/CPU-s, ${perWallSecond.toFixed(0)} img/s`,
    );
  }
}
