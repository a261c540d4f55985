import { SDLM } from '@lenet/trainer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { modelFromSafetensors } from '../network.js';
import {
  DEFAULT_TRAIN_CONFIG,
  defaultThreads,
  type ImageSet,
  TrainingSession,
} from './training-session.js';
import { weightsChecksum } from './weights-checksum.js';

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

/** The same toy set padded to LeNet-5's 32x32 input. */
function halves32(count: number, seed: number): ImageSet {
  const small = halves(count, seed);
  const images = new Float32Array(count * 32 * 32).fill(-0.1);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < 28; y++) {
      const from = n * 784 + y * 28;
      images.set(small.images.subarray(from, from + 28), n * 1024 + (y + 2) * 32 + 2);
    }
  }
  return { images, labels: small.labels, side: 32 };
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

describe('defaultThreads', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('is the number of cores, at most 4, and 1 where the browser does not say', () => {
    for (const [cores, threads] of [
      [16, 4],
      [4, 4],
      [2, 2],
      [1, 1],
      [undefined, 1],
    ] as const) {
      vi.stubGlobal('navigator', { hardwareConcurrency: cores });
      expect(defaultThreads()).toBe(threads);
    }
  });
});

describe('TrainingSession', () => {
  it('learns a separable toy problem in a pass and reports it', async () => {
    const session = await TrainingSession.open(config, halves(96, 0), halves(40, 1));
    expect([session.threads, session.mode]).toEqual([1, 'single']);
    const epochs = [];
    let batches = 0;
    while (!session.finished) {
      const { progress, epoch } = await session.step();
      batches++;
      expect(progress.batches).toBe(6);
      if (epoch) epochs.push(epoch);
    }
    expect(batches).toBe(12);
    expect(epochs.map((epoch) => epoch.epoch)).toEqual([1, 2]);
    expect(epochs[1].testError).toBe(0);
    expect(epochs[1].trainLoss).toBeLessThan(epochs[0].trainLoss);
    expect(epochs[1].checksum).toBe(weightsChecksum(session.model.parameters()));
    expect(epochs[1].checksum).not.toBe(epochs[0].checksum);
    await expect(session.step()).rejects.toThrow(/finished/);
  });

  it('resumes exactly: other work between two batches changes nothing', async () => {
    const settings = { ...config, augment: 'affine' as const, epochs: 1 };
    const straight = await TrainingSession.open(settings, halves(48, 0), halves(10, 1));
    while (!straight.finished) await straight.step();
    const paused = await TrainingSession.open(settings, halves(48, 0), halves(10, 1));
    while (!paused.finished) {
      await paused.step();
      // While "paused", another session trains (sharing the backend and its buffers).
      const other = await TrainingSession.open(
        { ...settings, seed: 5 },
        halves(16, 1),
        halves(10, 1),
      );
      await other.step();
    }
    expect(sameValues(await paused.weights(), await straight.weights())).toBe(true);
  });

  it('splits batches over 2 threads: the same weights again and over messages, the 1-thread run up to rounding', async () => {
    const settings = { ...config, model: 'lenet5' as const, batch: 12, epochs: 1, lr: 0.003 };
    const run = async (threads: number, transport: 'auto' | 'message' = 'auto') => {
      const session = await TrainingSession.open(
        { ...settings, threads, transport },
        halves32(48, 0),
        halves32(20, 1),
      );
      try {
        const mode = session.mode;
        let last = null;
        while (!session.finished) last = (await session.step()).epoch ?? last;
        const weights = session.model.parameters().flatMap((parameter) => [...parameter.data]);
        return { mode, epoch: last!, weights };
      } finally {
        await session.close();
      }
    };
    const [one, shared, sharedAgain, messages] = await Promise.all([
      run(1),
      run(2),
      run(2),
      run(2, 'message'),
    ]);
    expect([one.mode, shared.mode, messages.mode]).toEqual(['single', 'shared', 'message']);
    expect(sharedAgain.epoch.checksum).toBe(shared.epoch.checksum);
    expect(sameValues(sharedAgain.weights, shared.weights)).toBe(true);
    // Shared memory or messages: the same arithmetic in the same order.
    expect(sameValues(messages.weights, shared.weights)).toBe(true);
    expect(shared.epoch.checksum).not.toBe(one.epoch.checksum);
    expect(shared.weights).toBeAllclose(one.weights, { rtol: 1e-3, atol: 1e-5 });
    expect(shared.epoch.testError).toBe(one.epoch.testError);
    expect(shared.epoch.trainLoss).toBeCloseTo(one.epoch.trainLoss, 4);
  });

  it("trains with the paper's SDLM, re-estimating its curvature before every pass", async () => {
    const settings = { ...config, model: 'lenet5' as const, optimizer: 'sdlm' as const };
    const session = await TrainingSession.open(
      { ...settings, batch: 4, epochs: 2, lr: 0.0001 },
      halves32(48, 0),
      halves32(20, 1),
    );
    const curvatures: Float32Array[] = [];
    const epochs = [];
    while (!session.finished) {
      const { epoch } = await session.step();
      if (epoch) {
        epochs.push(epoch);
        curvatures.push(session.optimizer.stateDict().slots.curvature[0]);
      }
    }
    await session.close();
    expect(session.optimizer).toBeInstanceOf(SDLM);
    // h_kk of C1's kernels: Gauss-Newton terms are >= 0, some > 0, and new ones each pass.
    expect(curvatures[0].every((value) => value >= 0)).toBe(true);
    expect(curvatures[0].some((value) => value > 0)).toBe(true);
    expect(sameValues(curvatures[0], curvatures[1])).toBe(false);
    expect(epochs[1].trainLoss).toBeLessThan(epochs[0].trainLoss);
    expect(epochs[1].testError).toBe(0);
  });

  it('hands over weights that a fresh model of the same kind loads', async () => {
    const session = await TrainingSession.open(config, halves(32, 0), halves(10, 1));
    await session.step();
    const bytes = await session.weights();
    expect(bytes.length).toBeGreaterThan(4 * 238_510);
    const { model, settings } = modelFromSafetensors(bytes, 'trained.safetensors');
    expect(settings.model).toBe('mlp-300');
    expect(model.parameterCount()).toBe(238_510);
    const loaded = model.stateDict().get('fc1.weight')!.data;
    expect(sameValues(loaded, session.model.stateDict().get('fc1.weight')!.data)).toBe(true);
  });
});
