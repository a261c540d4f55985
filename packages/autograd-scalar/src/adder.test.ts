import { describe, expect, it } from 'vitest';
import {
  adderCases,
  formatSweepHeader,
  formatSweepRow,
  runAdderDemo,
  sweepAdder,
  toBits,
  trainAdder,
} from './adder.js';
import { sigmoid, type Value } from './value.js';

describe('adderCases', () => {
  it('enumerates all 16 two-bit sums with high bits first', () => {
    const cases = adderCases(2);
    expect(cases).toHaveLength(16);
    const threePlusTwo = cases.find((c) => c.a === 3 && c.b === 2)!;
    expect(threePlusTwo.inputs).toEqual([1, 1, 1, 0]);
    expect(threePlusTwo.targets).toEqual([1, 0, 1]);
    expect(adderCases(3)).toHaveLength(64);
    expect(toBits(6, 4)).toEqual([0, 1, 1, 0]);
    expect(() => adderCases(0)).toThrow('adderCases: bits must be an integer from 1 to 8, got 0');
  });
});

describe("the chapter's hand-built 2-hidden-unit solution (spec 7.1, Fig. 10)", () => {
  // Inputs a1 a0 b1 b0; the right hidden unit is the low carry, the left one the high carry
  // (it also reads the right hidden unit); inputs also feed the outputs directly.
  function thresholdAdder([a1, a0, b1, b0]: number[]): number[] {
    const step = (x: number) => (x > 0 ? 1 : 0);
    const carryLow = step(a0 + b0 - 1.5);
    const carryHigh = step(a1 + b1 + carryLow - 1.5);
    const s0 = step(a0 + b0 - 2 * carryLow - 0.5);
    const s1 = step(a1 + b1 + carryLow - 2 * carryHigh - 0.5);
    const s2 = step(carryHigh - 0.5);
    return [s2, s1, s0];
  }

  it('computes all 16 sums with threshold units', () => {
    for (const { inputs, targets } of adderCases(2))
      expect(thresholdAdder(inputs)).toEqual(targets);
  });

  it('computes all 16 sums as a sigmoid network of Values with the same weights times 10', () => {
    const unit = (net: Value | number) => sigmoid(net).mul(1); // keep it a Value
    for (const { inputs, targets } of adderCases(2)) {
      const [a1, a0, b1, b0] = inputs;
      const carryLow = unit((a0 + b0 - 1.5) * 10);
      const carryHigh = unit(carryLow.add(a1 + b1 - 1.5).mul(10));
      const s0 = unit(
        carryLow
          .mul(-2)
          .add(a0 + b0 - 0.5)
          .mul(10),
      );
      const s1 = unit(
        carryLow
          .sub(carryHigh.mul(2))
          .add(a1 + b1 - 0.5)
          .mul(10),
      );
      const s2 = unit(carryHigh.sub(0.5).mul(10));
      const bits = [s2, s1, s0].map((s) => (s.data > 0.5 ? 1 : 0));
      expect(bits).toEqual(targets);
    }
  });
});

describe('trainAdder', () => {
  it('learns the 2-bit adder to 100% of cases from a fixed seed', () => {
    const result = trainAdder({ bits: 2, hidden: 3, direct: true, seed: 3 });
    expect(result).toMatchObject({ architecture: '4-3-3+direct', solved: true, accuracy: 1 });
    expect(result.epochs).toBe(105);
  });

  it('is deterministic from its seed', () => {
    const options = { bits: 2, hidden: 3, direct: false, seed: 1, maxEpochs: 50 };
    expect(trainAdder(options)).toEqual(trainAdder(options));
  });

  it('reports a run that gets stuck as unsolved at maxEpochs', () => {
    const result = trainAdder({ bits: 2, hidden: 2, direct: false, seed: 0, maxEpochs: 300 });
    expect(result.solved).toBe(false);
    expect(result.epochs).toBe(300);
    expect(result.accuracy).toBeLessThan(1);
  });
});

describe('sweepAdder', () => {
  it('counts converged seeds per architecture (small version of the demo sweep)', () => {
    const rows = sweepAdder({
      seeds: 5,
      maxEpochs: 1000,
      architectures: [
        { hidden: 2, direct: false },
        { hidden: 8, direct: false },
      ],
    });
    expect(rows.map((row) => [row.architecture, row.solved, row.seeds])).toEqual([
      ['4-2-3', 0, 5],
      ['4-8-3', 5, 5],
    ]);
    expect(rows[0].medianEpochs).toBeNull();
    expect(rows[1].medianEpochs).toBeGreaterThan(0);
    expect(formatSweepHeader()).toContain('| architecture | converged |');
    expect(formatSweepRow(rows[1])).toMatch(/^\| 4-8-3 \| 5\/5 \| 100% \| \d+ \|$/);
  });
});

describe('runAdderDemo', () => {
  it('solves m=2 and m=3 and reports through the log callback only', () => {
    const lines: string[] = [];
    const report = runAdderDemo({ sweepSeeds: 1, maxEpochs: 400, log: (line) => lines.push(line) });
    expect(report.twoBit.solved).toBe(true);
    expect(report.threeBit).toMatchObject({ architecture: '6-8-4', solved: true, accuracy: 1 });
    expect(report.sweep).toHaveLength(6);
    expect(lines[1]).toBe(
      `m=2, 16 cases: 4-3-3+direct seed 3 solved in 105 epochs, 100.0% of cases right, error ${report.twoBit.error.toFixed(4)}`,
    );
    expect(lines.filter((line) => line.startsWith('| 4-'))).toHaveLength(6);
  });
});
