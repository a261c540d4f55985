#!/usr/bin/env node
// The repository's main job (`npm start`): trains LeNet-5 on the bundled MNIST with the paper's
// recipe (`lenet train`: RBF output, MAP criterion, stochastic diagonal Levenberg-Marquardt,
// the per-pass learning-rate table, batch size 1), showing progress and the final test error.
// Extra arguments go to `lenet train`: `npm start -- --epochs 2 --model lenet5-modern`.
// `lenet train` refuses a folder that holds a run, so without --out, --resume or --force a
// repeated `npm start` trains into the next free folder (runs/train-2, ...) and keeps the old one.
// The adder-problem demo of the scalar engine is `node apps/lenet/dist/cli.js adder`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../apps/lenet/dist/cli.js', import.meta.url));
const args = process.argv.slice(2);
const choosesFolder = args.some((arg) => /^--(out|resume|force)(=|$)/.test(arg));
if (!choosesFolder) {
  const taken = (folder) =>
    ['settings.json', 'model.safetensors', 'checkpoints', 'metrics.jsonl', 'run.lock'].some(
      (name) => existsSync(`${folder}/${name}`),
    );
  let out = 'runs/train';
  for (let n = 2; taken(out); n++) out = `runs/train-${n}`;
  args.push('--out', out);
}
const result = spawnSync(process.execPath, [cli, 'train', ...args], { stdio: 'inherit' });
process.exitCode = result.status ?? 1;
