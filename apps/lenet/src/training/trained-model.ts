import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assertFiniteTensors,
  decodeSafetensors,
  encodeSafetensors,
  type Module,
} from '@lenet/nn-layers';
import { noGrad, tensor } from '@lenet/tensor';
import { readModelState } from '@lenet/trainer';
import { parseJsonFile, writeFileAtomic } from '../files.js';
import { MODEL_NAMES } from '../names.js';
import { createModel, predictionRule } from './components.js';
import { inputFromBytes } from './mnist-samples.js';
import type { TrainingSettings } from './run-training.js';

export const MODEL_FILE = 'model.safetensors';
export const SETTINGS_FILE = 'settings.json';

/** A model read back from a `lenet train` folder, with the settings it was trained with. */
export interface TrainedModel {
  readonly model: Module;
  readonly settings: TrainingSettings;
}

/** The weights as safetensors; the settings (which rebuild the architecture) go in its metadata. */
export async function saveTrainedModel(
  out: string,
  model: Module,
  settings: TrainingSettings,
): Promise<void> {
  const bytes = encodeSafetensors(await readModelState(model), {
    'lenet.settings': JSON.stringify(settings),
  });
  await writeFileAtomic(join(out, MODEL_FILE), bytes);
}

export class ModelFolderError extends Error {
  override name = 'ModelFolderError';
}

export async function loadTrainedModel(directory: string): Promise<TrainedModel> {
  const path = join(directory, MODEL_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFolderError(
      code === 'ENOENT'
        ? `${directory}: no ${MODEL_FILE} here; --model takes a folder written by \`lenet train --out DIR\``
        : code === 'ENOTDIR'
          ? `--model ${directory} is a file; expected the folder written by \`lenet train --out DIR\` (the one holding ${MODEL_FILE})`
          : `${path}: ${(error as Error).message}`,
    );
  }
  let contents: ReturnType<typeof decodeSafetensors>;
  try {
    contents = decodeSafetensors(bytes);
    assertFiniteTensors(contents.tensors, path);
  } catch (error) {
    const message = (error as Error).message;
    throw new ModelFolderError(message.startsWith(path) ? message : `${path}: ${message}`);
  }
  const settingsText = contents.metadata['lenet.settings'];
  if (!settingsText)
    throw new ModelFolderError(
      `${path}: no lenet.settings metadata; not written by \`lenet train\``,
    );
  const settings = parseJsonFile<TrainingSettings>(
    settingsText,
    `${path}'s lenet.settings metadata`,
  );
  if (!(MODEL_NAMES as readonly string[]).includes(settings.model)) {
    throw new ModelFolderError(
      `${path}: unknown model '${settings.model}'; expected one of ${MODEL_NAMES.join(', ')}`,
    );
  }
  const model = createModel(settings.model, settings.seed, settings.init);
  try {
    model.loadStateDict(contents.tensors);
  } catch (error) {
    throw new ModelFolderError(`${path}: ${(error as Error).message}`);
  }
  model.eval();
  return { model, settings };
}

export interface Classification {
  readonly predicted: number;
  /** Per-class probabilities: softmax of the logits, or of minus the RBF penalties. */
  readonly probabilities: number[];
  /** The raw output row (logits, or RBF penalties where smaller is better). */
  readonly outputs: number[];
}

/**
 * Classifies 28x28 MNIST-format digits (0 = background, 255 = ink). Asynchronous: on a device
 * backend (webgpu) the output rows are read back once, for all the digits.
 */
export async function classifyDigits(
  trained: TrainedModel,
  digits: readonly Uint8Array[],
): Promise<Classification[]> {
  const { model, settings } = trained;
  const inputs = digits.map((pixels) => inputFromBytes(pixels, 28, settings.input));
  const size = inputs[0]?.length ?? 0;
  const side = Math.round(Math.sqrt(size));
  const batch = new Float32Array(size * digits.length);
  for (const [index, input] of inputs.entries()) batch.set(input, index * size);
  const output = noGrad(() => model.forward(tensor(batch, [digits.length, 1, side, side])));
  await output.sync();
  const rule = predictionRule(settings.loss);
  const classes = output.shape[1];
  return digits.map((_, row) => {
    const outputs = Array.from(output.data.subarray(row * classes, (row + 1) * classes));
    const logits = rule === 'argmax' ? outputs : outputs.map((value) => -value);
    const maximum = Math.max(...logits);
    const exponentials = logits.map((value) => Math.exp(value - maximum));
    const total = exponentials.reduce((sum, value) => sum + value, 0);
    const probabilities = exponentials.map((value) => value / total);
    const predicted = probabilities.indexOf(Math.max(...probabilities));
    return { predicted, probabilities, outputs };
  });
}
