import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { useBackend } from '../backend-choice.js';
import { UsageError } from '../errors.js';
import { toMnistDigit } from '../image/mnist-digit.js';
import { decodePngToGray } from '../image/png-gray.js';
import { MAX_PNG_FILE_BYTES } from '../image/png-limits.js';
import type { CliIo } from '../io.js';
import type { BackendName } from '../names.js';
import { classifyDigits, loadTrainedModel, type TrainedModel } from '../training/trained-model.js';

export interface PredictCommandOptions {
  model: string;
  /** Where tensors are computed (default 'wasm'). */
  backend?: BackendName;
}

/**
 * Classifies each image in turn (a folder stands for the PNG files in it): converted the way
 * MNIST was made, then the predicted digit with the per-class probabilities. A file that cannot
 * be read is reported on its own line and the others are still classified; the exit code is
 * non-zero when any failed.
 */
export async function runPredict(
  images: string[],
  options: PredictCommandOptions,
  io: CliIo,
): Promise<void> {
  await useBackend(options.backend ?? 'wasm');
  const trained = await loadTrainedModel(options.model);
  const failures: string[] = [];
  let count = 0;
  for (const argument of images) {
    let files: string[];
    try {
      files = await expandFolder(argument);
    } catch (error) {
      failures.push((error as Error).message);
      io.stderr.write(`lenet: ${(error as Error).message}\n`);
      continue;
    }
    for (const file of files) {
      count++;
      try {
        io.stdout.write(await classifyFile(trained, file));
      } catch (error) {
        const message = (error as Error).message;
        const line = message.startsWith(file) ? message : `${file}: ${message}`;
        failures.push(line);
        io.stderr.write(`lenet: ${line}\n`);
      }
    }
  }
  if (failures.length > 0) {
    throw new UsageError(
      `${failures.length} of ${Math.max(count, failures.length)} image${count === 1 ? '' : 's'} could not be classified (each named above)`,
    );
  }
}

/** A folder's PNG files (sorted), or the path itself when it is not a folder. */
async function expandFolder(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory()) return [path];
  const names = (await readdir(path)).filter((name) => /\.png$/i.test(name)).sort();
  if (names.length === 0) throw new Error(`${path}: a folder without .png files`);
  return names.map((name) => join(path, name));
}

async function classifyFile(trained: TrainedModel, file: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    const { size } = await stat(file);
    if (size > MAX_PNG_FILE_BYTES) {
      throw new Error(
        `${size.toLocaleString('en-US')} bytes; predict reads PNG files of up to ${MAX_PNG_FILE_BYTES.toLocaleString('en-US')} bytes`,
      );
    }
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const digit = toMnistDigit(decodePngToGray(bytes, file));
  const [result] = await classifyDigits(trained, [digit.pixels]);
  const scores = result.probabilities.map((p, label) => `${label}:${p.toFixed(3)}`).join(' ');
  const note = digit.inverted ? ' (inverted: dark ink on light paper)' : '';
  return `${file}: ${result.predicted}  p=${result.probabilities[result.predicted].toFixed(3)}${note}\n  scores ${scores}\n`;
}
