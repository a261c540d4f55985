import { evaluate } from '@lenet/trainer';
import { useBackend } from '../backend-choice.js';
import type { CliIo } from '../io.js';
import { markdownTable } from '../markdown-table.js';
import type { BackendName } from '../names.js';
import { ensureOutFolder } from '../run-folder.js';
import { lossFunction, predictionRule } from '../training/components.js';
import { mnistData } from '../training/mnist-data.js';
import { mnistSamples } from '../training/mnist-samples.js';
import { writeEvaluationPlots } from '../training/run-plots.js';
import { loadTrainedModel } from '../training/trained-model.js';

export interface EvalCommandOptions {
  model: string;
  testSize: number;
  out?: string;
  /** Where tensors are computed (default 'wasm'). */
  backend?: BackendName;
}

export async function runEval(options: EvalCommandOptions, io: CliIo): Promise<void> {
  await useBackend(options.backend ?? 'wasm');
  const trained = await loadTrainedModel(options.model);
  if (options.out !== undefined) await ensureOutFolder(options.out);
  const data = await mnistData();
  if (options.testSize > data.test.length) {
    throw new RangeError(
      `--test-size ${options.testSize} is larger than the ${data.test.length} test images`,
    );
  }
  const testSet =
    options.testSize === data.test.length ? data.test : data.test.take(options.testSize);
  const { settings } = trained;
  const evaluation = await evaluate(trained.model, mnistSamples(testSet, settings.input), {
    prediction: predictionRule(settings.loss),
    loss: lossFunction(settings.loss),
    misclassified: true,
  });
  const classNames = testSet.source.classNames;
  io.stdout.write(`${settings.model} from ${options.model}\n\n`);
  io.stdout.write(
    `Test error: ${evaluation.errorRate.toFixed(2)}% (${evaluation.errors} of ${evaluation.count} test images), mean loss ${evaluation.loss?.toPrecision(4)}\n\n`,
  );
  io.stdout.write('Per-class error:\n\n');
  io.stdout.write(
    `${markdownTable(
      ['class', 'images', 'errors', 'error'],
      classNames.map((name, label) => [
        name,
        String(evaluation.classCounts[label]),
        String(evaluation.classCounts[label] - evaluation.confusion[label][label]),
        `${evaluation.perClassError[label].toFixed(2)}%`,
      ]),
    )}\n\n`,
  );
  io.stdout.write('Confusion matrix (rows: true class, columns: predicted):\n\n');
  io.stdout.write(
    `${markdownTable(
      ['true \\ predicted', ...classNames],
      evaluation.confusion.map((row, label) => [classNames[label], ...row.map(String)]),
    )}\n\n`,
  );
  const out = options.out ?? options.model;
  await writeEvaluationPlots(out, settings.model, evaluation, testSet);
  io.stdout.write(`Wrote ${out}/confusion.svg and ${out}/errors.svg\n`);
}
