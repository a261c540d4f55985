/**
 * Trains the LeNet-5 that the site ships (public/models/lenet5.safetensors) with the project's
 * own packages, and writes its test metrics beside it (lenet5.json: error, confusion matrix,
 * misclassified test digits) for the Results page.
 *
 *   pnpm --filter @lenet/playground train-model [--epochs 4] [--batch 32] [--optimizer adam|sgd|sdlm]
 *
 * The paper's model and loss (RBF output, MAP criterion) and its per-pass learning-rate table
 * scaled to start at --lr; Adam in mini-batches of 32 by default, because the paper's SDLM did
 * not learn at that batch size in our runs. Both files are written atomically.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadMnist, toFloat32Images } from '@lenet/datasets-mnist/node';
import { encodeSafetensors, lenet5 } from '@lenet/nn-layers';
import { getBackend } from '@lenet/tensor';
import {
  Adam,
  evaluate,
  fit,
  PAPER_LEARNING_RATES,
  paperSchedule,
  SDLM,
  SGD,
  samplesFromArrays,
} from '@lenet/trainer';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '4' },
    batch: { type: 'string', default: '32' },
    'train-size': { type: 'string', default: '60000' },
    lr: { type: 'string', default: '0.001' },
    seed: { type: 'string', default: '1' },
    optimizer: { type: 'string', default: 'adam' },
    out: {
      type: 'string',
      default: join(dirname(fileURLToPath(import.meta.url)), '../public/models'),
    },
  },
});
const epochs = Number(values.epochs);
const batchSize = Number(values.batch);
const trainSize = Number(values['train-size']);
const learningRate = Number(values.lr);
const seed = Number(values.seed);

const [trainSet, testSet] = await Promise.all([
  loadMnist({ split: 'train' }),
  loadMnist({ split: 'test' }),
]);
const trainPart = trainSize < trainSet.length ? trainSet.take(trainSize, { seed }) : trainSet;
const input = { normalization: 'paper', padding: 2 } as const;
const labelsOf = (set: typeof trainSet) =>
  Int32Array.from({ length: set.length }, (_, i) => set.label(i));
const train = samplesFromArrays(
  toFloat32Images(trainPart, input),
  labelsOf(trainPart),
  [1, 32, 32],
);
const test = samplesFromArrays(toFloat32Images(testSet, input), labelsOf(testSet), [1, 32, 32]);

const model = lenet5({ seed });
const optimizerName = values.optimizer;
const optimizer =
  optimizerName === 'adam'
    ? new Adam(model.parameters(), { learningRate })
    : optimizerName === 'sgd'
      ? new SGD(model.parameters(), { learningRate, momentum: 0.9 })
      : new SDLM(model.parameters(), { learningRate });
// The paper's per-pass table, scaled to start at --lr.
const scale = learningRate / PAPER_LEARNING_RATES[0].rate;
console.log(
  `backend ${getBackend().name}; ${train.length} training images, batch ${batchSize}, ${epochs} passes`,
);
const result = await fit(model, {
  train,
  test,
  loss: 'rbf-map',
  optimizer,
  schedule: paperSchedule(scale),
  epochs,
  batchSize,
  seed,
  onEpochEnd(metrics) {
    console.log(
      `pass ${metrics.epoch}: train loss ${metrics.trainLoss.toFixed(4)}, train error ${metrics.trainError.toFixed(2)}%, test error ${metrics.testError?.toFixed(2)}%, ${Math.round(metrics.imagesPerSecond)} images/s`,
    );
  },
});
const final = evaluate(model, test, { loss: 'rbf-map', misclassified: true });
console.log(`test error ${final.errorRate.toFixed(2)}% (${final.errors} of ${final.count})`);

function writeAtomic(path: string, bytes: Uint8Array | string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

const weights = encodeSafetensors(model.stateDict(), {
  model: 'lenet5',
  trainedBy: '@lenet/playground scripts/train-model.ts',
});
writeAtomic(join(values.out, 'lenet5.safetensors'), weights);
const metrics = {
  model: 'lenet5',
  settings: {
    optimizer: optimizerName,
    loss: 'rbf-map',
    learningRate,
    schedule: 'paper (scaled)',
    epochs,
    batchSize,
    trainSize: train.length,
    seed,
  },
  history: result.history,
  testError: final.errorRate,
  testErrors: final.errors,
  testCount: final.count,
  perClassError: final.perClassError,
  confusion: final.confusion,
  misclassified: final.misclassified.map(({ index, label, predicted }) => ({
    index,
    label,
    predicted,
  })),
};
writeAtomic(join(values.out, 'lenet5.json'), `${JSON.stringify(metrics)}\n`);
console.log(`wrote ${weights.length} bytes of weights to ${values.out}`);
