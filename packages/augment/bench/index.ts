// Images per second for each transform on 28x28 digits, single thread, in place through
// `distortInPlace` (the path `applyBatch` and the datasets hook take). Never fails on time.
import { Generator } from '@lenet/tensor';
import { compose, elastic, randomAffine, type Transform } from '../src/index.js';

const HEIGHT = 28;
const WIDTH = 28;
const BATCH = 256;

function syntheticDigits(count: number): Float32Array {
  // A thick ring per image: realistic amount of ink, no data files needed.
  const images = new Float32Array(count * HEIGHT * WIDTH);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < WIDTH; x++) {
        const radius = Math.hypot(x - 13.5, y - 13.5);
        images[(n * HEIGHT + y) * WIDTH + x] = Math.abs(radius - 7) < 2 ? 1 : 0;
      }
    }
  }
  return images;
}

/** Images per second of wall time and of this process's CPU time (steadier on a busy machine). */
function imagesPerSecond(transform: Transform, seconds: number): { wall: number; cpu: number } {
  const pristine = syntheticDigits(BATCH);
  const batch = { shape: [BATCH, 1, HEIGHT, WIDTH], data: new Float32Array(pristine) };
  const generator = new Generator(1);
  for (let warm = 0; warm < 20; warm++) transform.applyBatch(batch, generator);
  let images = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    batch.data.set(pristine); // distortions would otherwise compound
    transform.applyBatch(batch, generator);
    images += BATCH;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  return { wall: images / (elapsed / 1000), cpu: images / ((cpu.user + cpu.system) / 1e6) };
}

const cases: [string, Transform, number][] = [
  ['randomAffine (defaults, bilinear)', randomAffine(), 100_000],
  [
    'randomAffine (rotate 15, nearest)',
    randomAffine({ rotate: 15, interpolation: 'nearest' }),
    100_000,
  ],
  ['elastic() (smoothing: wasm SIMD)', elastic({ smoothing: 'wasm' }), 20_000],
  ['elastic({ smoothing: js })', elastic({ smoothing: 'js' }), 20_000],
  ['elastic({ interpolation: nearest })', elastic({ interpolation: 'nearest' }), 20_000],
  ['compose([randomAffine, elastic])', compose([randomAffine(), elastic()]), 20_000],
];

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const rows = cases.map(([name, transform, target]) => {
  const { wall, cpu } = imagesPerSecond(transform, seconds);
  return {
    transform: name,
    'images/s (wall)': Math.round(wall),
    'images/s (CPU)': Math.round(cpu),
    target,
    'µs/image (CPU)': (1e6 / cpu).toFixed(1),
  };
});
console.log(
  `28x28 images, batches of ${BATCH}, ${seconds} s each, single thread, Node ${process.version}`,
);
console.table(rows);
