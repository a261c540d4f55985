// Training throughput of the Train page in headless Chromium: LeNet-5 on 1 and 2 Web Workers
// (shared memory on an isolated page, and messages), at a few batch sizes, each measured
// `--repeat` times round-robin; prints the medians of the training images/s (the page's
// figure, evaluation excluded) and of the images per CPU second (Chromium's processes, from
// the start of training to the end of the pass: steadier than the wall clock on a busy
// machine), and the machine's load. Needs the built site:
// `pnpm --filter @lenet/playground build`.
//   pnpm --filter @lenet/playground bench:threads [--size 10000] [--repeat 3] [--batches 32,128]
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU seconds (user + system) used so far by the Chromium processes of `profile`. */
function chromiumCpuSeconds(profile: string): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profile)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks / ticksPerSecond;
}

const stateIs = (state: string) =>
  `document.querySelector('#panel-train .panel-body')?.getAttribute('data-state') === '${state}'`;

async function measure(session: Session, batch: number, params: string) {
  const page = await session.open(
    `#train?size=${size}&testSize=1000&epochs=1&batch=${batch}&lr=0.001&${params}`,
  );
  await page.locator('[data-action=start]').click();
  await page.waitForFunction(stateIs('running'), null, { timeout: 600_000, polling: 20 });
  const cpuStart = chromiumCpuSeconds(session.profile);
  await page.waitForFunction(stateIs('done'), null, { timeout: 600_000, polling: 20 });
  const cpuSeconds = chromiumCpuSeconds(session.profile) - cpuStart;
  const wall = Number(
    await page.locator('[data-testid=throughput]').getAttribute('data-images-per-second'),
  );
  const mode = await page.locator('[data-testid=parallel-mode]').textContent();
  await page.close();
  return { wall, perCpuSecond: size / cpuSeconds, mode };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const load = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const session = await startSession();
const loadBefore = load();
const figures = new Map<string, { wall: number; perCpuSecond: number }[]>();
try {
  for (let round = 0; round < repeat; round++) {
    for (const batch of batchSizes) {
      for (const contender of contenders) {
        const { wall, perCpuSecond, mode } = await measure(session, batch, contender.params);
        const key = `${contender.name}|${batch}`;
        figures.set(key, [...(figures.get(key) ?? []), { wall, perCpuSecond }]);
        console.error(
          `round ${round + 1}, batch ${batch}, ${mode}: ${wall.toFixed(0)} images/s, ${perCpuSecond.toFixed(0)} per CPU second`,
        );
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
const format = (value: number) => Math.round(value).toLocaleString('en');
console.log(
  `| Chromium, training images/s (per CPU second) | ${batchSizes.map((batch) => `batch ${batch}`).join(' | ')} |`,
);
console.log(`|---|${batchSizes.map(() => '---').join('|')}|`);
for (const contender of contenders) {
  const cells = batchSizes.map((batch) => {
    const runs = figures.get(`${contender.name}|${batch}`)!;
    const wall = median(runs.map((run) => run.wall));
    const perCpuSecond = median(runs.map((run) => run.perCpuSecond));
    return `${format(wall)} (${format(perCpuSecond)})`;
  });
  console.log(`| ${contender.name} | ${cells.join(' | ')} |`);
}
