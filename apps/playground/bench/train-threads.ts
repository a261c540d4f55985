// Training throughput of the Train page in headless Chromium: LeNet-5 on 1 and 2 Web Workers
// (shared memory on an isolated page, and messages), at a few batch sizes, each measured
// `--repeat` times round-robin; prints the medians (training images/s, evaluation excluded)
// and the machine's load. Needs the built site: `pnpm --filter @lenet/playground build`.
//   pnpm --filter @lenet/playground bench:threads [--size 10000] [--repeat 3] [--batches 32,128]
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { type Session, startSession } from '../e2e/harness.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '10000' },
    repeat: { type: 'string', default: '3' },
    batches: { type: 'string', default: '32,128' },
  },
});
const size = Number(values.size);
const repeat = Number(values.repeat);
const batchSizes = values.batches.split(',').map(Number);

const contenders = [
  { name: '1 thread', params: 'threads=1' },
  { name: '2 threads, shared memory', params: 'threads=2' },
  { name: '2 threads, messages', params: 'threads=2&transport=message' },
];

async function imagesPerSecond(session: Session, batch: number, params: string) {
  const page = await session.open(
    `#train?size=${size}&testSize=1000&epochs=1&batch=${batch}&lr=0.001&${params}`,
  );
  await page.locator('[data-action=start]').click();
  const panel = page.locator('#panel-train .panel-body');
  await panel
    .page()
    .waitForFunction(
      () =>
        document.querySelector('#panel-train .panel-body')?.getAttribute('data-state') === 'done',
      null,
      { timeout: 600_000, polling: 250 },
    );
  const figure = Number(
    await page.locator('[data-testid=throughput]').getAttribute('data-images-per-second'),
  );
  const mode = await page.locator('[data-testid=parallel-mode]').textContent();
  await page.close();
  return { figure, mode };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const load = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const session = await startSession();
const loadBefore = load();
const figures = new Map<string, number[]>();
try {
  for (let round = 0; round < repeat; round++) {
    for (const batch of batchSizes) {
      for (const contender of contenders) {
        const { figure, mode } = await imagesPerSecond(session, batch, contender.params);
        const key = `${contender.name}|${batch}`;
        figures.set(key, [...(figures.get(key) ?? []), figure]);
        console.error(`round ${round + 1}, batch ${batch}, ${mode}: ${figure.toFixed(0)} images/s`);
      }
    }
  }
} finally {
  await session.close();
}

console.log(`LeNet-5 on the Train page, ${size} MNIST images, one pass, Adam; median of ${repeat}`);
console.log(`load before: ${loadBefore}`);
console.log(`load after:  ${load()}`);
console.log('');
console.log(
  `| Chromium, training images/s | ${batchSizes.map((batch) => `batch ${batch}`).join(' | ')} |`,
);
console.log(`|---|${batchSizes.map(() => '---').join('|')}|`);
for (const contender of contenders) {
  const cells = batchSizes.map((batch) =>
    Math.round(median(figures.get(`${contender.name}|${batch}`)!)).toLocaleString('en'),
  );
  console.log(`| ${contender.name} | ${cells.join(' | ')} |`);
}
