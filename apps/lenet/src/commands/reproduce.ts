import { join } from 'node:path';
import { writeFileAtomic } from '../files.js';
import type { CliIo } from '../io.js';
import { markdownTable } from '../markdown-table.js';
import { PAPER_ROWS, type PaperRow } from '../paper-rows.js';
import { createProgress, formatDuration } from '../progress.js';
import { ensureOutFolder, lockRunFolder } from '../run-folder.js';
import { mnistData } from '../training/mnist-data.js';
import { resolveSettings, runTraining, type TrainingSettings } from '../training/run-training.js';

export interface ReproduceCommandOptions {
  quick: boolean;
  only?: string[];
  seed: number;
  out: string;
  threads: number;
}

/** `--quick`: every row on a small class-balanced subset for one pass. */
export const QUICK = { trainSize: 500, testSize: 500, epochs: 1 } as const;

export interface ReproducedRow {
  readonly row: PaperRow;
  readonly settings: TrainingSettings;
  readonly testError: number;
  readonly epochs: number;
  readonly seconds: number;
}

export async function runReproduce(options: ReproduceCommandOptions, io: CliIo): Promise<void> {
  const rows = options.only
    ? PAPER_ROWS.filter((row) => options.only?.includes(row.id))
    : PAPER_ROWS;
  await ensureOutFolder(options.out);
  const lock = await lockRunFolder(options.out);
  try {
    await reproduce(rows, options, io);
  } finally {
    await lock.release();
  }
}

async function reproduce(
  rows: readonly PaperRow[],
  options: ReproduceCommandOptions,
  io: CliIo,
): Promise<void> {
  const data = await mnistData();
  io.stdout.write(
    `lenet reproduce: ${rows.length} row${rows.length === 1 ? '' : 's'}${options.quick ? ` (quick: ${QUICK.trainSize} training images, ${QUICK.testSize} test images, ${QUICK.epochs} pass)` : ''}; output: ${options.out}\n`,
  );
  const results: ReproducedRow[] = [];
  for (const row of rows) {
    const settings = resolveSettings({
      model: row.model,
      augment: row.augment,
      seed: options.seed,
      threads: options.threads,
      ...row.training,
      ...(options.quick ? QUICK : {}),
    });
    io.stdout.write(
      `\n## ${row.label} (${row.id}): ${settings.model}, ${settings.optimizer}, ${settings.epochs} passes\n`,
    );
    const outcome = await runTraining(
      settings,
      join(options.out, row.id),
      data,
      createProgress(io.stdout),
    );
    results.push({
      row,
      settings,
      testError: outcome.test.errorRate,
      epochs: outcome.history.length,
      seconds: outcome.seconds,
    });
    io.stdout.write(
      `${row.label}: test error ${outcome.test.errorRate.toFixed(2)}% in ${formatDuration(outcome.seconds)}\n`,
    );
  }
  const table = reproduceTable(results, options.quick);
  await writeFileAtomic(join(options.out, 'table.md'), `${table}\n`);
  await writeFileAtomic(
    join(options.out, 'results.json'),
    `${JSON.stringify(
      results.map(({ row, settings, testError, epochs, seconds }) => ({
        id: row.id,
        label: row.label,
        paperError: row.paperError,
        target: row.target,
        testError,
        epochs,
        seconds,
        settings,
      })),
      null,
      2,
    )}\n`,
  );
  io.stdout.write(
    `\n${table}\n\nWrote ${join(options.out, 'table.md')} and results.json; one folder per row.\n`,
  );
}

export function reproduceTable(results: readonly ReproducedRow[], quick: boolean): string {
  return markdownTable(
    ['model', 'training', "paper's test error", 'ours', 'training images', 'epochs', 'wall time'],
    results.map(({ row, settings, testError, epochs, seconds }) => [
      row.label,
      `${settings.optimizer}${settings.weightDecay > 0 ? ` (decay ${settings.weightDecay})` : ''}, batch ${settings.batchSize}`,
      row.paperError === null ? `- (${row.note ?? 'not in the paper'})` : `${row.paperError}%`,
      `${testError.toFixed(2)}%${quick ? ' (quick)' : ''}`,
      String(settings.trainSize),
      String(epochs),
      formatDuration(seconds),
    ]),
  );
}
