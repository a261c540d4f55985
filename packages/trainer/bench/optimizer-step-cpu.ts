// CPU time of one optimizer step on LeNet-5's parameter sizes (tensor parameters, default
// backend), best of 5 runs of 2,000 steps. Takes the root of a lenet checkout (default: this
// one), so two trees can be compared alternately:
//   npx tsx --conditions=@lenet/source bench/optimizer-step-cpu.ts /path/to/other/checkout
// Prints one line; never fails on time.
import { resolve } from 'node:path';

const root = resolve(process.argv[2] ?? `${import.meta.dirname}/../../..`);
const { full } = await import(`${root}/packages/tensor/src/index.ts`);
const { SDLM } = await import(`${root}/packages/trainer/src/sdlm.ts`);
const { SGD } = await import(`${root}/packages/trainer/src/sgd.ts`);
const { Adam } = await import(`${root}/packages/trainer/src/adam.ts`);

interface Steppable {
  step(): void;
}

const SIZES = [150, 6, 12, 2400, 16, 32, 48000, 120, 10080, 84];

function parameters() {
  return SIZES.map((size) => {
    const parameter = full([size], 0.01, { requiresGrad: true });
    parameter.grad = full([size], 0.001);
    return parameter;
  });
}

const optimizers: [string, () => Steppable][] = [
  [
    'SDLM',
    () => {
      const optimizer = new SDLM(parameters());
      optimizer.setCurvature(SIZES.map((size) => new Float32Array(size).fill(0.5)));
      return optimizer;
    },
  ],
  ['SGD momentum', () => new SGD(parameters(), { learningRate: 0.01, momentum: 0.9 })],
  ['Adam', () => new Adam(parameters())],
];

const results: string[] = [];
for (const [name, create] of optimizers) {
  const optimizer = create();
  for (let i = 0; i < 500; i++) optimizer.step(); // warm up the JIT
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run++) {
    const started = process.cpuUsage();
    for (let i = 0; i < 2000; i++) optimizer.step();
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 2000);
  }
  results.push(`${name} ${best.toFixed(1)} us`);
}
console.log(`${root}: ${results.join(' | ')} (CPU per step, best of 5 x 2,000)`);
