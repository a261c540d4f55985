import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { type MnistDigit, toMnistDigit } from '../image/mnist-digit.js';
import { decodePngToGray } from '../image/png-gray.js';
import type { CliIo } from '../io.js';
import { classifyDigits, loadTrainedModel } from '../training/trained-model.js';

export interface PredictCommandOptions {
  model: string;
}

/**
 * Reads every image first (so a bad file fails before any output), converts each the way
 * MNIST was made, and prints the predicted digit with the per-class probabilities.
 */
export async function runPredict(
  images: string[],
  options: PredictCommandOptions,
  io: CliIo,
): Promise<void> {
  const trained = await loadTrainedModel(options.model);
  const digits: MnistDigit[] = [];
  for (const file of images) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(
        `${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      );
    }
    try {
      digits.push(toMnistDigit(decodePngToGray(bytes, file)));
    } catch (error) {
      throw new UsageError(
        (error as Error).message.startsWith(file)
          ? (error as Error).message
          : `${file}: ${(error as Error).message}`,
      );
    }
  }
  const results = classifyDigits(
    trained,
    digits.map((digit) => digit.pixels),
  );
  results.forEach((result, index) => {
    const scores = result.probabilities.map((p, label) => `${label}:${p.toFixed(3)}`).join(' ');
    const note = digits[index].inverted ? ' (inverted: dark ink on light paper)' : '';
    io.stdout.write(
      `${images[index]}: ${result.predicted}  p=${result.probabilities[result.predicted].toFixed(3)}${note}\n`,
    );
    io.stdout.write(`  scores ${scores}\n`);
  });
}
