import { describe, expect, it } from 'vitest';
import { modelFromSafetensors } from '../network.js';
import { DEFAULT_TRAIN_CONFIG, type ImageSet, TrainingSession } from './training-session.js';

/** A toy two-class set on 28x28: a bright left half (class 0) or right half (class 1). */
function halves(count: number, seed: number): ImageSet {
  const side = 28;
  const images = new Float32Array(count * side * side).fill(-0.1);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const label = (n * 7 + seed) % 2;
    labels[n] = label;
    for (let y = 4; y < 24; y++) {
      for (let x = label === 0 ? 4 : 15; x < (label === 0 ? 13 : 24); x++) {
        images[n * side * side + y * side + x] = 1.175;
      }
    }
  }
  return { images, labels, side };
}

/** Element-wise equality without the matcher's cost on a million values. */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const config = {
  ...DEFAULT_TRAIN_CONFIG,
  model: 'mlp-300' as const,
  batch: 16,
  epochs: 2,
  lr: 0.001,
};

describe('TrainingSession', () => {
  it('learns a separable toy problem in a pass and reports it', () => {
    const session = new TrainingSession(config, halves(96, 0), halves(40, 1));
    const epochs = [];
    let batches = 0;
    while (!session.finished) {
      const { progress, epoch } = session.step();
      batches++;
      expect(progress.batches).toBe(6);
      if (epoch) epochs.push(epoch);
    }
    expect(batches).toBe(12);
    expect(epochs.map((epoch) => epoch.epoch)).toEqual([1, 2]);
    expect(epochs[1].testError).toBe(0);
    expect(epochs[1].trainLoss).toBeLessThan(epochs[0].trainLoss);
    expect(() => session.step()).toThrow(/finished/);
  });

  it('resumes exactly: other work between two batches changes nothing', () => {
    const settings = { ...config, augment: 'affine' as const, epochs: 1 };
    const straight = new TrainingSession(settings, halves(48, 0), halves(10, 1));
    while (!straight.finished) straight.step();
    const paused = new TrainingSession(settings, halves(48, 0), halves(10, 1));
    while (!paused.finished) {
      paused.step();
      // While "paused", another session trains (sharing the backend and its buffers).
      const other = new TrainingSession({ ...settings, seed: 5 }, halves(16, 1), halves(10, 1));
      other.step();
    }
    expect(sameValues(paused.weights(), straight.weights())).toBe(true);
  });

  it('hands over weights that a fresh model of the same kind loads', () => {
    const session = new TrainingSession(config, halves(32, 0), halves(10, 1));
    session.step();
    const bytes = session.weights();
    expect(bytes.length).toBeGreaterThan(4 * 238_510);
    const model = modelFromSafetensors('mlp-300', bytes);
    expect(model.parameterCount()).toBe(238_510);
    const loaded = model.stateDict().get('fc1.weight')!.data;
    expect(sameValues(loaded, session.model.stateDict().get('fc1.weight')!.data)).toBe(true);
  });
});
