// Training throughput of `fit` against a bare loop doing the same work (assemble, forward,
// loss, backward, SGD step), so the loop's own overhead shows; LeNet-5 (RBF output, MAP loss)
// on 2,000 random 32x32 images. Prints a table; never fails on time. Timings on a shared
// machine are noisy: compare columns of one run.
import { computeLoss, lenet5 } from '@lenet/nn-layers';
import { Generator } from '@lenet/tensor';
import { BatchAssembler, samplesFromArrays } from '../src/data.js';
import { evaluate } from '../src/evaluate.js';
import { fit } from '../src/fit.js';
import { SGD } from '../src/sgd.js';

const COUNT = 2000;
const generator = new Generator(1);
const images = generator.fillUniform(new Float32Array(COUNT * 32 * 32), -0.1, 1.175);
const labels = Int32Array.from({ length: COUNT }, () => generator.int(10));
const data = samplesFromArrays(images, labels, [1, 32, 32]);

function bareLoop(batchSize: number): number {
  const model = lenet5({ seed: 1 });
  const optimizer = new SGD(model.parameters(), { learningRate: 1e-4 });
  const assembler = new BatchAssembler(data, batchSize);
  const started = performance.now();
  for (let start = 0; start + batchSize <= COUNT; start += batchSize) {
    const batch = assembler.fill(null, start, batchSize);
    optimizer.zeroGrad();
    const loss = computeLoss('rbf-map', model.forward(batch.images), batch.labels);
    loss.item();
    loss.backward();
    optimizer.step();
  }
  return (Math.floor(COUNT / batchSize) * batchSize) / ((performance.now() - started) / 1000);
}

async function fitLoop(batchSize: number): Promise<number> {
  const model = lenet5({ seed: 1 });
  const result = await fit(model, {
    train: data,
    loss: 'rbf-map',
    optimizer: new SGD(model.parameters(), { learningRate: 1e-4 }),
    epochs: 1,
    batchSize,
  });
  return result.history[0].imagesPerSecond;
}

const rows: string[][] = [];
for (const batchSize of [1, 32]) {
  bareLoop(batchSize); // warm-up
  const bare = bareLoop(batchSize);
  const looped = await fitLoop(batchSize);
  rows.push([
    `train, batch ${batchSize}`,
    bare.toFixed(0),
    looped.toFixed(0),
    `${((1 - looped / bare) * 100).toFixed(1)}%`,
  ]);
}
const model = lenet5({ seed: 1 });
for (const batchSize of [1, 500]) {
  await evaluate(model, data, { batchSize }); // warm-up
  const report = await evaluate(model, data, { batchSize, loss: 'rbf-map' });
  rows.push([`evaluate, batch ${batchSize}`, '', report.imagesPerSecond.toFixed(0), '']);
}

const header = ['LeNet-5, 2,000 images', 'bare loop img/s', 'fit / evaluate img/s', 'overhead'];
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((row) => row[column].length)),
);
const line = (cells: string[]) =>
  `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));
