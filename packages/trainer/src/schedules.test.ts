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
