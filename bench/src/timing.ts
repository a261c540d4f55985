/**
 * Images per second of `step` (which handles `imagesPerStep` images), median of 3 rounds: by
 * the wall clock, and per second of this process's CPU time (all its threads), which other
 * jobs on a shared machine disturb much less.
 */
export interface Rate {
  wall: number;
  cpu: number;
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

export function imagesPerSecond(
  step: () => void,
  imagesPerStep: number,
  roundMilliseconds = 400,
): Rate {
  const warmupStarted = performance.now();
  step();
  const oneStep = performance.now() - warmupStarted;
  // A contender that needs more than a second per step gets one timed step, not three rounds.
  const rounds = oneStep > 1000 ? 1 : 3;
  if (rounds === 3) while (performance.now() - warmupStarted < 150) step();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let steps = 0;
    const started = performance.now();
    const cpuStarted = cpuSeconds();
    let elapsed = 0;
    do {
      step();
      steps++;
      elapsed = performance.now() - started;
    } while (rounds === 3 && elapsed < roundMilliseconds);
    wall.push((steps * imagesPerStep) / (elapsed / 1000));
    cpu.push((steps * imagesPerStep) / (cpuSeconds() - cpuStarted));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** `imagesPerSecond` for an asynchronous step. */
export async function imagesPerSecondAsync(
  step: () => Promise<void> | void,
  imagesPerStep: number,
  roundMilliseconds = 400,
): Promise<Rate> {
  const warmupStarted = performance.now();
  await step();
  while (performance.now() - warmupStarted < 150) await step();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < 3; round++) {
    let steps = 0;
    const started = performance.now();
    const cpuStarted = cpuSeconds();
    let elapsed = 0;
    do {
      await step();
      steps++;
      elapsed = performance.now() - started;
    } while (elapsed < roundMilliseconds);
    wall.push((steps * imagesPerStep) / (elapsed / 1000));
    cpu.push((steps * imagesPerStep) / (cpuSeconds() - cpuStarted));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** Fixed pseudo-random digits-sized inputs in the paper's range, and labels. */
export function syntheticBatch(
  count: number,
  seed = 1,
): { images: Float32Array; labels: Int32Array } {
  const images = new Float32Array(count * 1024);
  let state = seed >>> 0;
  for (let i = 0; i < images.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    images[i] = (state / 4294967296) * 1.275 - 0.1;
  }
  const labels = Int32Array.from({ length: count }, (_, i) => (i * 7) % 10);
  return { images, labels };
}

export const TRAIN_BATCHES = [1, 32, 128] as const;
export const INFER_BATCHES = [1, 1000] as const;

/** One contender's figures (images/s; null where it cannot run, with `notes` saying why). */
export interface ContenderResult {
  name: string;
  train: Record<string, number | null>;
  infer: Record<string, number | null>;
  /** The same per second of CPU time (all threads of the process). */
  trainCpu: Record<string, number | null>;
  inferCpu: Record<string, number | null>;
  notes: string[];
}

/** Collects a contender's rates into a `ContenderResult`. */
export class Figures {
  readonly train: Record<string, number | null> = {};
  readonly infer: Record<string, number | null> = {};
  readonly trainCpu: Record<string, number | null> = {};
  readonly inferCpu: Record<string, number | null> = {};
  readonly notes: string[] = [];

  set(kind: 'train' | 'infer', batch: number, rate: Rate | null): void {
    this[kind][batch] = rate?.wall ?? null;
    this[kind === 'train' ? 'trainCpu' : 'inferCpu'][batch] = rate?.cpu ?? null;
  }

  result(name: string): ContenderResult {
    const { train, infer, trainCpu, inferCpu, notes } = this;
    return { name, train, infer, trainCpu, inferCpu, notes };
  }
}
