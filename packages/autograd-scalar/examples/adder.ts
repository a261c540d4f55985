// The adder problem of Rumelhart, Hinton & Williams (1986), with the 50-seed sweep.
// Run: npx tsx --conditions=@lenet/source examples/adder.ts [--seeds 50] [--max-epochs 5000]
import { parseArgs } from 'node:util';
import { runAdderDemo } from '@lenet/autograd-scalar';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '50' },
    'max-epochs': { type: 'string', default: '5000' },
  },
});
const started = performance.now();
runAdderDemo({
  sweepSeeds: Number(values.seeds),
  maxEpochs: Number(values['max-epochs']),
  log: (line) => console.log(line),
});
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
