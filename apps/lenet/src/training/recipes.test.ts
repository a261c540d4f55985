import { describe, expect, it } from 'vitest';
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
