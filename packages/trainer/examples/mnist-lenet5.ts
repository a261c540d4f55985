// LeNet-5 as published (RBF output, MAP criterion, SDLM re-estimating h_kk on 500 samples before
// each pass) on the first 2,000 MNIST training images for 2 on-line passes, tested on the first
// 1,000 test images. The paper's per-pass rates are scaled by 0.1: at full size (and at 0.3 and
// 0.5) this LeNet-5 diverges in the first pass with our h_kk estimates (see the README).
// Run: npx tsx --conditions=@lenet/source examples/mnist-lenet5.ts
import { type Dataset, pixelTable, writeImage } from '@lenet/datasets-mnist';
import { loadMnist } from '@lenet/datasets-mnist/node';
import { lenet5 } from '@lenet/nn-layers';
import { evaluate, type LabelledSamples, paperSchedule, SDLM } from '@lenet/trainer';
import { fit } from '@lenet/trainer/node';

/** MNIST as the paper feeds it: 32x32, background -0.1, ink 1.175. */
function paperInput(dataset: Dataset): LabelledSamples {
  const table = pixelTable('paper');
  return {
    length: dataset.length,
    sampleShape: [1, 32, 32],
    readSample(index, out, offset) {
      writeImage(dataset.image(index), 0, 28, 28, table, 2, out, offset);
      return dataset.label(index);
    },
  };
}

const train = paperInput((await loadMnist({ split: 'train' })).take(2000));
const test = paperInput((await loadMnist({ split: 'test' })).take(1000));
const model = lenet5({ seed: 1 });
const optimizer = new SDLM(model.parameters()); // mu 0.02, curvature on 500 samples per pass

const result = await fit(model, {
  train,
  test,
  loss: 'rbf-map',
  optimizer,
  schedule: paperSchedule(0.1),
  epochs: 2,
  batchSize: 1,
  seed: 1,
  onEpochEnd: (m) => {
    const rates = optimizer.effectiveLearningRates();
    console.log(
      `pass ${m.epoch}: train loss ${m.trainLoss.toFixed(3)}, train error ${m.trainError.toFixed(2)}%, ` +
        `test error ${m.testError?.toFixed(2)}%, step sizes ${rates.min.toExponential(1)}..${rates.max.toExponential(1)}, ` +
        `${Math.round(m.imagesPerSecond)} images/s`,
    );
  },
});

const report = await evaluate(model, test, { loss: 'rbf-map' });
console.log(
  `test: ${report.errors} errors of ${report.count} (${report.errorRate.toFixed(2)}%), stop: ${result.stopReason}`,
);
console.log(`per-class error %: ${report.perClassError.map((e) => e.toFixed(1)).join(' ')}`);
const first = report.misclassified[0];
console.log(
  `first error: test image ${first.index}, a ${first.label} read as ${first.predicted} (penalties ${first.scores.map((s) => s.toFixed(0)).join(' ')})`,
);
