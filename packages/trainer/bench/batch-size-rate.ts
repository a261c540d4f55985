// Training images/s of the data-parallel engine at several batch sizes, by the wall clock and
// per CPU-second of the process (which a loaded machine disturbs less): LeNet-5 (modern form,
// tanh, average pooling), cross-entropy, SGD momentum, random inputs; median of 3 rounds of
// 0.7 s. Only API that older trees have too, so the same file measures a checkout before a
// change (copy it into that tree's bench/) and this one, alternately. Prints one JSON line.
//   tsx --conditions=@lenet/source bench/batch-size-rate.ts THREADS 128,512
import { lenet5Modern } from '@lenet/nn-layers';
import { Generator } from '@lenet/tensor';
import { DataParallel, SGD } from '../src/index.js';

const threads = Number(process.argv[2] ?? 1);
const batches = (process.argv[3] ?? '128,512').split(',').map(Number);
const capacity = Math.max(...batches);
const generator = new Generator(1);
const images = generator.fillUniform(new Float32Array(capacity * 1024), -0.1, 1.175);
const labels = Int32Array.from({ length: capacity }, () => generator.int(10));
const model = lenet5Modern({ activation: 'tanh', pooling: 'avg', seed: 1 });
const optimizer = new SGD(model.parameters(), { learningRate: 0.01, momentum: 0.9 });
const engine = await DataParallel.open({
  model,
  loss: 'cross-entropy',
  threads,
  sampleShape: [1, 32, 32],
  capacity,
});
const median = (values: number[]) => [...values].sort((a, b) => a - b)[1];
const figures: Record<string, number> = {};
for (const batch of batches) {
  const step = async () => {
    await engine.trainBatch(images, labels, batch);
    optimizer.step();
  };
  const warmup = performance.now();
  while (performance.now() - warmup < 300) await step();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < 3; round++) {
    let steps = 0;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    while (performance.now() - started < 700) {
      await step();
      steps++;
    }
    const used = process.cpuUsage(cpuStarted);
    wall.push((steps * batch) / ((performance.now() - started) / 1000));
    cpu.push((steps * batch) / ((used.user + used.system) / 1e6));
  }
  figures[`wall${batch}`] = Math.round(median(wall));
  figures[`cpu${batch}`] = Math.round(median(cpu));
}
await engine.close();
console.log(JSON.stringify({ threads, ...figures }));
