import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  cosineSchedule,
  exponentialSchedule,
  linearWarmup,
  PAPER_LEARNING_RATES,
  paperSchedule,
  perPassSchedule,
  STRETCHED_PAPER_RATES,
  stepSchedule,
  stretchedPaperSchedule,
  warmupCosineSchedule,
} from './schedules.js';

describe('stretchedPaperSchedule', () => {
  it('holds 0.00005 for 8 passes, then 0.00002, 0.00001 and 0.000005 for 4 each', () => {
    const schedule = stretchedPaperSchedule();
    const byPass = Array.from({ length: 21 }, (_, pass) => schedule(pass + 0.5, 0));
    expect(byPass).toEqual([
      ...Array(8).fill(0.00005),
      ...Array(4).fill(0.00002),
      ...Array(4).fill(0.00001),
      ...Array(5).fill(0.000005),
    ]);
    expect(STRETCHED_PAPER_RATES.at(-1)?.toPass).toBe(20);
    expect(stretchedPaperSchedule(2)(0, 0)).toBeAllclose(0.0001);
  });
});

describe('paperSchedule', () => {
  it('gives the paper table for each of the 20 passes, and its last rate after', () => {
    const schedule = paperSchedule();
    const byPass = Array.from({ length: 22 }, (_, pass) => schedule(pass, 0));
    expect(byPass).toEqual([
      0.0005, 0.0005, 0.0002, 0.0002, 0.0002, 0.0001, 0.0001, 0.0001, 0.00005, 0.00005, 0.00005,
      0.00005, 0.00001, 0.00001, 0.00001, 0.00001, 0.00001, 0.00001, 0.00001, 0.00001, 0.00001,
      0.00001,
    ]);
    expect(schedule(1.999, 0)).toBe(0.0005); // within pass 2
    expect(schedule(2, 0)).toBe(0.0002);
    expect(PAPER_LEARNING_RATES).toHaveLength(5);
  });

  it('scales every rate', () => {
    expect(paperSchedule(100)(0, 0)).toBeAllclose(0.05);
  });

  it('rejects a table with gaps', () => {
    expect(() =>
      perPassSchedule([
        { fromPass: 1, toPass: 2, rate: 1 },
        { fromPass: 4, toPass: 5, rate: 1 },
      ]),
    ).toThrow(/without gaps/);
  });
});

describe('other schedules', () => {
  it('constant', () => {
    expect(constantSchedule(0.1)(7.3, 99)).toBe(0.1);
  });

  it('step: drops by factor every `every` passes', () => {
    const schedule = stepSchedule({ initial: 1, factor: 0.5, every: 3 });
    expect([0, 2.9, 3, 5.5, 6].map((epoch) => schedule(epoch, 0))).toEqual([1, 1, 0.5, 0.5, 0.25]);
  });

  it('exponential: times factor after every pass', () => {
    const schedule = exponentialSchedule({ initial: 0.1, factor: 0.9 });
    expect(schedule(0.5, 0)).toBe(0.1);
    expect(schedule(3, 0)).toBeAllclose(0.1 * 0.9 ** 3);
  });

  it('cosine: initial, midpoint average, final', () => {
    const schedule = cosineSchedule({ initial: 1, final: 0.1, epochs: 10 });
    expect(schedule(0, 0)).toBeAllclose(1);
    expect(schedule(5, 0)).toBeAllclose(0.55);
    expect(schedule(10, 0)).toBeAllclose(0.1);
    expect(schedule(12, 0)).toBeAllclose(0.1);
    expect(schedule(2.5, 0)).toBeAllclose(0.1 + (0.9 * (1 + Math.cos(Math.PI / 4))) / 2);
  });

  it('linear warm-up by epochs and by steps', () => {
    const byEpochs = linearWarmup(constantSchedule(0.2), { epochs: 2 });
    expect([0, 0.5, 1, 2, 5].map((epoch) => byEpochs(epoch, 0))).toBeAllclose([
      0, 0.05, 0.1, 0.2, 0.2,
    ]);
    const bySteps = linearWarmup(constantSchedule(1), { steps: 100, startFactor: 0.1 });
    expect([0, 50, 100].map((step) => bySteps(0, step))).toBeAllclose([0.1, 0.55, 1]);
    expect(() => linearWarmup(constantSchedule(1), {})).toThrow(/exactly one of epochs or steps/);
  });

  it('rejects non-finite settings', () => {
    expect(() => constantSchedule(Number.NaN)).toThrow(/rate must be a finite number/);
    expect(() => stepSchedule({ initial: 1, factor: 0.5, every: 0 })).toThrow(/every must be/);
    expect(() => cosineSchedule({ initial: 1, epochs: 0 })).toThrow(/epochs must be > 0/);
  });
});

describe('warmupCosineSchedule', () => {
  const schedule = warmupCosineSchedule({ peak: 0.004, epochs: 4, warmupEpochs: 0.5 });

  it('warms up linearly from a tenth of the peak, then follows a cosine down to 0', () => {
    expect(schedule(0, 0)).toBeAllclose(0.0004);
    expect(schedule(0.25, 10)).toBeAllclose(0.0022); // half-way up: 0.0004 + 0.5 * 0.0036
    expect(schedule(0.5, 20)).toBeAllclose(0.004);
    expect(schedule(2.25, 90)).toBeAllclose(0.002); // half-way down the cosine
    expect(schedule(4, 160)).toBeAllclose(0, { atol: 1e-12 });
    expect(schedule(5, 200)).toBeAllclose(0, { atol: 1e-12 });
  });

  it('rises during the warm-up and falls after it, smoothly within a pass', () => {
    const rates = Array.from({ length: 41 }, (_, i) => schedule(i / 10, i));
    for (let i = 1; i < rates.length; i++) {
      if (i <= 5) expect(rates[i]).toBeGreaterThan(rates[i - 1]);
      else expect(rates[i]).toBeLessThan(rates[i - 1]);
    }
  });

  it('takes a start factor and a final rate, and names bad settings', () => {
    const custom = warmupCosineSchedule({
      peak: 1,
      epochs: 2,
      warmupEpochs: 1,
      startFactor: 0,
      final: 0.1,
    });
    expect(custom(0, 0)).toBe(0);
    expect(custom(2, 0)).toBeAllclose(0.1);
    expect(() => warmupCosineSchedule({ peak: 1, epochs: 2, warmupEpochs: 2 })).toThrow(
      /warmupEpochs must be >= 0 and below epochs \(2\), got 2/,
    );
    expect(() => warmupCosineSchedule({ peak: 1, epochs: 0, warmupEpochs: 0 })).toThrow(
      /epochs must be > 0/,
    );
    expect(() => warmupCosineSchedule({ peak: Number.NaN, epochs: 1, warmupEpochs: 0 })).toThrow(
      /peak must be a finite number/,
    );
  });
});
