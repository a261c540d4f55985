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
  runAdderDemo({
    sweepSeeds: options.seeds,
    maxEpochs: options.maxEpochs,
    log: (line) => io.stdout.write(`${line}\n`),
  });
}
