// The paper's recipe through `fit` on real MNIST: LeNet-5 (RBF output, MAP loss), SDLM with the
// curvature re-estimated on 500 samples before the pass, batch size 1, through the compiled
// runner. Prints images/s (the training part of one pass) and the projected
// wall time of the full recipe (20 passes over 60,000 images plus a 10,000-image test
// evaluation per pass). Never fails on time; a shared machine makes figures noisy.
// Run: npx tsx --conditions=@lenet/source bench/paper-fit.bench.ts [training images]
import { loadMnist } from '@lenet/datasets-mnist/node';
import { lenet5 } from '@lenet/nn-layers';
import { getBackend } from '@lenet/tensor';
import { evaluate } from '../src/evaluate.js';
import { fit } from '../src/fit.js';
import { paperSchedule } from '../src/schedules.js';
import { SDLM } from '../src/sdlm.js';
import { paperInput } from '../src/test-support/paper-input.js';

const trainCount = Number(process.argv[2] ?? 10000);

const train = paperInput((await loadMnist({ split: 'train' })).take(trainCount));
const test = paperInput(await loadMnist({ split: 'test' }));
const rows: Record<string, string>[] = [];
{
  const model = lenet5({ seed: 1 });
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const result = await fit(model, {
    train,
    loss: 'rbf-map',
    optimizer: new SDLM(model.parameters()),
    // The paper's table scaled by 1/10, as `lenet train` runs it (see apps/lenet recipes.ts).
    schedule: paperSchedule(0.1),
    epochs: 1,
    batchSize: 1,
    seed: 1,
  });
  const fitSeconds = (performance.now() - started) / 1000;
  const cpuUsed = process.cpuUsage(cpuStart);
  const pass = result.history[0];
  const evaluation = await evaluate(model, test, { loss: 'rbf-map' });
  // A pass = curvature estimate + training; the full recipe adds a test evaluation per pass.
  const passSeconds = (fitSeconds * 60000) / trainCount + evaluation.seconds;
  rows.push({
    path: 'compiled',
    'train images/s (wall)': pass.imagesPerSecond.toFixed(0),
    'train images/cpu-s': (trainCount / ((cpuUsed.user + cpuUsed.system) / 1e6)).toFixed(0),
    'test eval images/s': evaluation.imagesPerSecond.toFixed(0),
    'test error after 1 pass': `${evaluation.errorRate.toFixed(2)}%`,
    '20 passes (projected)': `${((20 * passSeconds) / 60).toFixed(1)} min`,
  });
}
console.log(
  `LeNet-5, SDLM, batch 1, ${trainCount.toLocaleString('en-US')} MNIST training images, backend ${getBackend().name}`,
);
console.table(rows);
