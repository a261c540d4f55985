// Measures one contender in this process and prints its result as one JSON line. The runner
// starts a fresh process per contender so that no library's state leaks into another's figures.
import { measureConvnetjs } from './convnetjs.js';
import { measureLenet } from './lenet.js';
import { measureTfjs } from './tfjs.js';
import type { ContenderResult } from './timing.js';

const contenders: Record<string, () => ContenderResult | Promise<ContenderResult>> = {
  'lenet-reference-1': () => measureLenet('reference', 1),
  'lenet-reference-2': () => measureLenet('reference', 2),
  'lenet-wasm-1': () => measureLenet('wasm', 1),
  'lenet-wasm-2': () => measureLenet('wasm', 2),
  'tfjs-cpu': () => measureTfjs('cpu'),
  'tfjs-wasm': () => measureTfjs('wasm'),
  convnetjs: () => measureConvnetjs(),
};

const id = process.argv[2];
const measure = contenders[id];
if (!measure) {
  console.error(`contender: unknown '${id}'; known: ${Object.keys(contenders).join(', ')}`);
  process.exit(2);
}
const result = await measure();
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
