import { runAdderDemo } from '@lenet/autograd-scalar';
import type { CliIo } from '../io.js';

export interface AdderCommandOptions {
  seeds: number;
  maxEpochs: number;
}

/**
 * Rumelhart, Hinton & Williams (1986)'s adder on the scalar autograd engine
 * (`@lenet/autograd-scalar`'s demo): a 2-bit and a 3-bit adder learned to 100%, then a seed
 * sweep that shows how often each architecture gets stuck in a local minimum.
 */
export async function runAdder(options: AdderCommandOptions, io: CliIo): Promise<void> {
  const progress = sweepProgress(io);
  runAdderDemo({
    sweepSeeds: options.seeds,
    maxEpochs: options.maxEpochs,
    log: (line) => {
      progress.clear();
      io.stdout.write(`${line}\n`);
    },
    onSeed: progress.seedDone,
  });
}

/**
 * Progress of the seed sweep on stderr (the table stays clean on stdout): a line rewritten in
 * place on a terminal, otherwise a line every 15 seconds. The sweep is synchronous, so this is
 * written from its callback rather than a timer.
 */
export function sweepProgress(io: CliIo, intervalMs = 15_000) {
  const terminal = io.stderr.isTTY === true;
  let shown = false;
  let lastLine = performance.now();
  return {
    seedDone(architecture: string, done: number, seeds: number) {
      const text = `sweep ${architecture}: ${done}/${seeds} seeds`;
      if (terminal) {
        io.stderr.write(`\r${text}\u001b[K`);
        shown = true;
      } else if (performance.now() - lastLine >= intervalMs) {
        io.stderr.write(`${text}\n`);
        lastLine = performance.now();
      }
    },
    clear() {
      if (shown) io.stderr.write('\r\u001b[K');
      shown = false;
    },
  };
}
