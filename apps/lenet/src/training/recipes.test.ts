import { describe, expect, it } from 'vitest';
import { createSchedule } from './components.js';
import { batchSizeForThreads, fastLearningRate } from './recipes.js';
import { resolveSettings } from './run-training.js';

describe('resolveSettings', () => {
  it("trains LeNet-5 by default with the paper's table unchanged, Lush's init and running h_kk", () => {
    const settings = resolveSettings({ model: 'lenet5' });
    expect(settings).toMatchObject({
      optimizer: 'sdlm',
      schedule: 'paper',
      learningRate: 0.0005,
      epochs: 20,
      batchSize: 1,
      loss: 'rbf-map',
      init: 'lecun-lush',
      curvatureAverage: 'running',
    });
  });

  it("drops the recipe's initialisation and h_kk averaging with another optimizer", () => {
    const settings = resolveSettings({ model: 'lenet5', optimizer: 'adam' });
    expect(settings.init).toBeUndefined();
    expect(settings.curvatureAverage).toBeUndefined();
    expect(settings.schedule).toBe('step');
  });

  it('leaves the other models as they were (no init or averaging recorded)', () => {
    const settings = resolveSettings({ model: 'lenet4' });
    expect(settings).toMatchObject({ schedule: 'stretched', learningRate: 0.00005 });
    expect('init' in settings).toBe(false);
    expect('curvatureAverage' in settings).toBe(false);
  });
});

describe('the fast recipe', () => {
  it("picks 64 rows per thread up to 1024, and scales Adam's rate with the square root of the batch", () => {
    expect([1, 2, 4, 8, 16, 32].map(batchSizeForThreads)).toEqual([64, 128, 256, 512, 1024, 1024]);
    expect(() => batchSizeForThreads(0)).toThrow(/threads must be an integer >= 1, got 0/);
    expect(fastLearningRate(64)).toBeCloseTo(0.0035, 12);
    expect(fastLearningRate(256)).toBeCloseTo(0.007, 12);
  });

  it('on 2 threads: batch 128, Adam from 0.0035*sqrt(2), warm-up then cosine over 4 passes', () => {
    const settings = resolveSettings({ model: 'lenet5-modern', recipe: 'fast', threads: 2 });
    expect(settings).toMatchObject({
      model: 'lenet5-modern',
      loss: 'cross-entropy',
      optimizer: 'adam',
      schedule: 'warmup-cosine',
      epochs: 4,
      batchSize: 128,
      threads: 2,
    });
    expect(settings.learningRate).toBeCloseTo(0.0035 * Math.SQRT2, 12);
    const schedule = createSchedule(settings.schedule, settings.learningRate, settings.epochs);
    expect(schedule(0, 0)).toBeCloseTo(settings.learningRate / 10, 12);
    expect(schedule(0.3, 0)).toBeCloseTo(settings.learningRate, 12);
    expect(schedule(4, 0)).toBeCloseTo(0, 12);
  });

  it('keeps what the command line gives: batch size (and the rate follows it), rate, passes', () => {
    expect(
      resolveSettings({ model: 'lenet5-modern', recipe: 'fast', threads: 2, batchSize: 256 }),
    ).toMatchObject({ batchSize: 256, learningRate: 0.007 });
    expect(
      resolveSettings({ model: 'lenet5-modern', recipe: 'fast', lr: 0.001, epochs: 2 }),
    ).toMatchObject({ batchSize: 64, learningRate: 0.001, epochs: 2, threads: 1 });
  });
});
