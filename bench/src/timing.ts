/** Images per second of `step` (which handles `imagesPerStep` images): median of 3 rounds. */
export function imagesPerSecond(
  step: () => void,
  imagesPerStep: number,
  roundMilliseconds = 400,
): number {
  const warmupStarted = performance.now();
  step();
  const oneStep = performance.now() - warmupStarted;
  // A contender that needs more than a second per step gets one timed step, not three rounds.
  if (oneStep > 1000) {
    const started = performance.now();
    step();
    return imagesPerStep / ((performance.now() - started) / 1000);
  }
  while (performance.now() - warmupStarted < 150) step();
  const rates: number[] = [];
  for (let round = 0; round < 3; round++) {
    let steps = 0;
    const started = performance.now();
    let elapsed = 0;
    do {
      step();
      steps++;
      elapsed = performance.now() - started;
    } while (elapsed < roundMilliseconds);
    rates.push((steps * imagesPerStep) / (elapsed / 1000));
  }
  return rates.sort((a, b) => a - b)[1];
}

/** `imagesPerSecond` for an asynchronous step. */
export async function imagesPerSecondAsync(
  step: () => Promise<void> | void,
  imagesPerStep: number,
  roundMilliseconds = 400,
): Promise<number> {
  const warmupStarted = performance.now();
  await step();
  while (performance.now() - warmupStarted < 150) await step();
  const rates: number[] = [];
  for (let round = 0; round < 3; round++) {
    let steps = 0;
    const started = performance.now();
    let elapsed = 0;
    do {
      await step();
      steps++;
      elapsed = performance.now() - started;
    } while (elapsed < roundMilliseconds);
    rates.push((steps * imagesPerStep) / (elapsed / 1000));
  }
  return rates.sort((a, b) => a - b)[1];
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
  notes: string[];
}
