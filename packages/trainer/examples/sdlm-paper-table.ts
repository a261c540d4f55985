// The paper's SDLM recipe on LeNet-5 with a chosen scale of its per-pass eta table, to see
// where it trains and where it diverges (README "Measured: the paper's eta table").
// Settings from the environment (defaults in brackets): SCALE [1] multiplies the table,
// MU [0.02], TRAIN [2000] first training images, TEST [10000] first test images, PASSES [2].
// Run: SCALE=0.1 npx tsx --conditions=@lenet/source examples/sdlm-paper-table.ts
import { loadMnist } from '@lenet/datasets-mnist/node';
import { lenet5 } from '@lenet/nn-layers';
import { paperSchedule, SDLM } from '@lenet/trainer';
import { fit } from '@lenet/trainer/node';
import { paperInput } from '../src/test-support/paper-input.js';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const scale = setting('SCALE', 1);
const mu = setting('MU', 0.02);
const trainCount = setting('TRAIN', 2000);
const testCount = setting('TEST', 10000);
const passes = setting('PASSES', 2);

const train = paperInput((await loadMnist({ split: 'train' })).take(trainCount));
const test = paperInput((await loadMnist({ split: 'test' })).take(testCount));
const model = lenet5({ seed: 1 });
const optimizer = new SDLM(model.parameters(), { mu }); // h_kk on 500 samples before each pass
console.log(
  `LeNet-5, rbf-map, SDLM mu ${mu}, paperSchedule(${scale}), batch 1, ${trainCount} training images`,
);
await fit(model, {
  train,
  test,
  loss: 'rbf-map',
  optimizer,
  schedule: paperSchedule(scale),
  epochs: passes,
  batchSize: 1,
  seed: 1,
  onEpochEnd: (m) => {
    const rates = optimizer.effectiveLearningRates();
    console.log(
      `pass ${m.epoch}: eta ${m.learningRate}, steps ${rates.min.toExponential(1)}..${rates.max.toExponential(1)}, ` +
        `${(100 * optimizer.shareBelowMu()).toFixed(1)}% of h_kk < mu, train loss ${m.trainLoss.toFixed(2)}, ` +
        `train error ${m.trainError.toFixed(2)}%, test error ${m.testError?.toFixed(2)}% on ${testCount}`,
    );
  },
});
