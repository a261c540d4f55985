/**
 * Ships a model trained by `lenet train` (or one row of `lenet reproduce`) as the site's
 * default: copies its model.safetensors (the command line's format, settings in its metadata,
 * so `lenet predict --model public/models/lenet5` reads the very same file), and measures
 * beside it what the pages show:
 *
 * - metrics.json: test error, confusion matrix and every misclassified test digit (Results);
 * - calibration.json: the temperature that calibrates the confidence, fitted on the
 *   even-numbered test digits and measured on the odd-numbered ones, and the "not a digit"
 *   threshold on the smallest RBF penalty, chosen on the even-numbered digits and measured on
 *   the odd ones and on real non-digits (letters, symbols, pen strokes, blank noise) drawn in
 *   Chromium.
 *
 *   pnpm --filter @lenet/playground ship-model --from runs/train [--out public/models/lenet5]
 *
 * Every file is written atomically.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadMnist, toFloat32Images } from '@lenet/datasets-mnist/node';
import { createModel, type Sequential } from '@lenet/nn-layers';
import { noGrad, tensor } from '@lenet/tensor';
import {
  type Calibration,
  calibratedProbabilities,
  fitTemperature,
  reliability,
} from '../src/confidence/calibration.js';
import { readShippedSettings } from '../src/confidence/model-file.js';
import { PADDED, preprocessDrawing } from '../src/draw/preprocess.js';
import { PAD, renderNonDigits } from './non-digits.js';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    out: {
      type: 'string',
      default: join(dirname(fileURLToPath(import.meta.url)), '../public/models/lenet5'),
    },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
if (!values.from) {
  console.error('ship-model: --from DIR is required (a folder written by `lenet train --out DIR`)');
  process.exit(2);
}
const from = resolve(values.from);
const out = resolve(values.out);

function writeAtomic(path: string, data: string | Uint8Array): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

const bytes = readFileSync(join(from, 'model.safetensors'));
const { settings, tensors } = readShippedSettings(bytes, join(from, 'model.safetensors'));
const model = createModel(settings.model, { seed: settings.seed }) as Sequential;
model.loadStateDict(tensors);
model.eval();

/** RBF penalties of `inputs` (32x32 each, paper scale), 500 at a time. */
function penaltiesOf(inputs: Float32Array, count: number): Float32Array[] {
  const rows: Float32Array[] = [];
  const size = PADDED * PADDED;
  for (let start = 0; start < count; start += 500) {
    const n = Math.min(500, count - start);
    const batch = inputs.subarray(start * size, (start + n) * size);
    const output = noGrad(() => model.forward(tensor(batch, [n, 1, PADDED, PADDED])));
    for (let i = 0; i < n; i++)
      rows.push(Float32Array.from(output.data.subarray(i * 10, i * 10 + 10)));
  }
  return rows;
}
const argmin = (row: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] < row[best]) best = i;
  return best;
};

// The test set as the model reads it, and as the Draw page's pad would (each test digit
// enlarged to the 280-pixel pad, then the drawing's preprocessing): real drawings look more
// like the second.
const testSet = await loadMnist({ split: 'test' });
const count = testSet.length;
const labels = Int32Array.from({ length: count }, (_, i) => testSet.label(i));
const exact = penaltiesOf(
  toFloat32Images(testSet, { normalization: 'paper', padding: settings.input.padding }),
  count,
);
const padInputs = new Float32Array(count * PADDED * PADDED);
const scale = PAD / 28;
for (let n = 0; n < count; n++) {
  const image = testSet.image(n);
  const ink = new Float32Array(PAD * PAD);
  for (let y = 0; y < PAD; y++) {
    for (let x = 0; x < PAD; x++) {
      ink[y * PAD + x] = image[Math.floor(y / scale) * 28 + Math.floor(x / scale)] / 255;
    }
  }
  const processed = preprocessDrawing(ink, PAD, PAD);
  if (processed) padInputs.set(processed.padded, n * PADDED * PADDED);
}
const viaPad = penaltiesOf(padInputs, count);

// Results: confusion matrix and mistakes, exactly as the Draw page reads a test digit.
const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
const misclassified: { index: number; label: number; predicted: number }[] = [];
exact.forEach((row, index) => {
  const predicted = argmin(row);
  confusion[labels[index]][predicted]++;
  if (predicted !== labels[index]) misclassified.push({ index, label: labels[index], predicted });
});
const history = readFileSync(join(from, 'metrics.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));
const metrics = {
  model: settings.model,
  trainedBy: `lenet train (${from.split('/').slice(-2).join('/')})`,
  settings,
  history,
  testError: (100 * misclassified.length) / count,
  testErrors: misclassified.length,
  testCount: count,
  perClassError: confusion.map(
    (row, label) =>
      (100 * (row.reduce((a, b) => a + b, 0) - row[label])) / row.reduce((a, b) => a + b, 0),
  ),
  confusion,
  misclassified,
};

// Temperature: fitted on the even-numbered test digits, measured on the odd-numbered ones
// (the two halves of MNIST's test set come from different writers, so no first/last split).
const even = <T>(items: ArrayLike<T>) => Array.from(items).filter((_, i) => i % 2 === 0);
const odd = <T>(items: ArrayLike<T>) => Array.from(items).filter((_, i) => i % 2 === 1);
const fitLabels = Int32Array.from(even(labels));
const heldLabels = Int32Array.from(odd(labels));
const temperature = fitTemperature(even(exact), fitLabels);
const edges = [0, 0.5, 0.7, 0.8, 0.85, 0.95, 0.99, 1];
const measure = (rows: Float32Array[], rowLabels: Int32Array, t: number) => {
  const confidences: number[] = [];
  const correct: boolean[] = [];
  rows.forEach((row, n) => {
    const p = calibratedProbabilities(row, t);
    const predicted = argmin(row);
    confidences.push(p[predicted]);
    correct.push(predicted === rowLabels[n]);
  });
  return reliability(confidences, correct, edges);
};
const heldOut = measure(odd(exact), heldLabels, temperature);
const heldOutViaPad = measure(odd(viaPad), heldLabels, temperature);
const uncalibrated = measure(odd(exact), heldLabels, 1);

// "Not a digit": the smallest penalty (squared distance to the nearest class code) above a
// quantile of the even-numbered digits drawn through the pad.
const NON_DIGIT_QUANTILE = 0.98;
const nearest = (rows: Float32Array[]) => rows.map((row) => Math.min(...row));
const digitNearest = nearest(even(viaPad)).sort((a, b) => a - b);
const nonDigitThreshold = digitNearest[Math.floor(NON_DIGIT_QUANTILE * digitNearest.length)];
const nonDigits = await renderNonDigits(values.chromium);
const nonDigitInputs = new Float32Array(nonDigits.length * PADDED * PADDED);
nonDigits.forEach((item, n) => {
  const processed = preprocessDrawing(item.ink, PAD, PAD);
  if (processed) nonDigitInputs.set(processed.padded, n * PADDED * PADDED);
});
const nonDigitNearest = nearest(penaltiesOf(nonDigitInputs, nonDigits.length));
const rejected = (values: number[], threshold: number) =>
  values.filter((value) => value > threshold).length / values.length;
const kinds = ['letter', 'symbol', 'stroke', 'noise'] as const;
const thresholdTable = [0.95, 0.98, 0.99, 0.995].map((quantile) => {
  const threshold = digitNearest[Math.floor(quantile * digitNearest.length)];
  return {
    digitQuantile: quantile,
    threshold,
    digitsRejectedHeldOutViaPad: rejected(nearest(odd(viaPad)), threshold),
    digitsRejectedHeldOutExact: rejected(nearest(odd(exact)), threshold),
    nonDigitsRejected: Object.fromEntries(
      kinds.map((kind) => [
        kind,
        rejected(
          nonDigitNearest.filter((_, n) => nonDigits[n].kind === kind),
          threshold,
        ),
      ]),
    ),
  };
});
const nonDigitCounts = Object.fromEntries(
  kinds.map((kind) => [kind, nonDigits.filter((item) => item.kind === kind).length]),
);

const calibration: Calibration & Record<string, unknown> = {
  temperature,
  nonDigitThreshold,
  measuredBy: 'scripts/ship-model.ts',
  temperatureFittedOn: 'the even-numbered MNIST test digits (mean negative log-likelihood)',
  reliabilityOn: 'the odd-numbered MNIST test digits',
  reliability: heldOut,
  reliabilityViaPad: heldOutViaPad,
  reliabilityUncalibrated: uncalibrated,
  nonDigitThresholdRule: `quantile ${NON_DIGIT_QUANTILE} of the smallest penalty of the even-numbered test digits, enlarged to the pad and preprocessed as drawings`,
  nonDigitCounts,
  thresholdTable,
};

writeAtomic(join(out, 'model.safetensors'), bytes);
writeAtomic(join(out, 'metrics.json'), `${JSON.stringify(metrics)}\n`);
writeAtomic(join(out, 'calibration.json'), `${JSON.stringify(calibration, null, 2)}\n`);

const percent = (value: number) => `${(100 * value).toFixed(1)}%`;
console.log(`test error ${metrics.testError.toFixed(2)}% (${misclassified.length} of ${count})`);
console.log(`temperature ${temperature.toFixed(3)} (fitted on the even-numbered test digits)`);
for (const [name, report] of [
  ['calibrated, odd-numbered test digits', heldOut],
  ['calibrated, the same digits through the pad', heldOutViaPad],
  ['uncalibrated softmax(-y), exact', uncalibrated],
] as const) {
  console.log(`${name}: ECE ${percent(report.expectedCalibrationError)}`);
  for (const bin of report.bins) {
    if (bin.count === 0) continue;
    console.log(
      `  shown ${percent(bin.from)}-${percent(bin.to)}: ${bin.count} predictions, mean confidence ${percent(bin.meanConfidence)}, right ${percent(bin.accuracy)}`,
    );
  }
}
console.log(`non-digits: ${JSON.stringify(nonDigitCounts)}`);
for (const row of thresholdTable) {
  console.log(
    `threshold ${row.threshold.toFixed(2)} (digit quantile ${row.digitQuantile}): odd-numbered digits flagged ${percent(row.digitsRejectedHeldOutViaPad)} via pad, ${percent(row.digitsRejectedHeldOutExact)} exact; non-digits flagged ${kinds.map((kind) => `${kind} ${percent(row.nonDigitsRejected[kind])}`).join(', ')}`,
  );
}
