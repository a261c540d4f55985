/**
 * Row `[start, end)` of a batch of `count` samples that replica `index` of `parts` computes.
 * Slices are contiguous and as even as possible, and depend only on (count, parts): that is
 * what makes a run's result independent of timing.
 */
export function sliceOf(count: number, parts: number, index: number): [number, number] {
  return [Math.floor((index * count) / parts), Math.floor(((index + 1) * count) / parts)];
}

/** Replicas a batch of `count` samples is split over: never more than there are samples. */
export function partsFor(count: number, replicas: number): number {
  return Math.max(1, Math.min(count, replicas));
}
