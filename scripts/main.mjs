#!/usr/bin/env node
// The repository's main job (`npm start`). Until apps/lenet trains LeNet-5, it runs the adder
// demo of @lenet/autograd-scalar from its built dist/: the binary adder of Rumelhart, Hinton &
// Williams (1986) learned by backpropagation, and a short seed sweep showing local minima.
// The full 50-seed sweep: npx tsx --conditions=@lenet/source packages/autograd-scalar/examples/adder.ts
import { runAdderDemo } from '../packages/autograd-scalar/dist/index.js';

const sweepSeeds = 10;
const maxEpochs = 2000;
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);

const report = runAdderDemo({
  sweepSeeds,
  maxEpochs,
  log: (line) => console.log(line.startsWith('|') ? line : `[${seconds()} s] ${line}`),
});

const best = report.sweep.reduce((a, b) => (b.solved > a.solved ? b : a));
const worst = report.sweep.reduce((a, b) => (b.solved < a.solved ? b : a));
console.log('');
console.log('Summary');
console.log(
  `  2-bit adder: ${report.twoBit.solved ? 'learned' : 'NOT learned'} (${(100 * report.twoBit.accuracy).toFixed(0)}% of 16 cases) in ${report.twoBit.epochs} epochs`,
);
console.log(
  `  3-bit adder: ${report.threeBit.solved ? 'learned' : 'NOT learned'} (${(100 * report.threeBit.accuracy).toFixed(0)}% of 64 cases) in ${report.threeBit.epochs} epochs`,
);
console.log(
  `  local minima: ${best.architecture} converged for ${best.solved}/${best.seeds} seeds, ${worst.architecture} for ${worst.solved}/${worst.seeds}`,
);
console.log(`  done in ${seconds()} s`);
if (!report.twoBit.solved || !report.threeBit.solved) process.exitCode = 1;
