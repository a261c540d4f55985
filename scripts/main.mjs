#!/usr/bin/env node
// The repository's main job (`npm start`): trains LeNet-5 on the bundled MNIST with the paper's
// recipe (`lenet train`: RBF output, MAP criterion, stochastic diagonal Levenberg-Marquardt,
// the per-pass learning-rate table, batch size 1), showing progress and the final test error.
// Extra arguments go to `lenet train`: `npm start -- --epochs 2 --model lenet5-modern`.
// The adder-problem demo of the scalar engine is `node apps/lenet/dist/cli.js adder`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../apps/lenet/dist/cli.js', import.meta.url));
const result = spawnSync(process.execPath, [cli, 'train', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exitCode = result.status ?? 1;
