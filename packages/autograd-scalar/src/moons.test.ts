import { describe, expect, it } from 'vitest';
import { makeMoons, moonsLoss, trainMoons } from './moons.js';
import { MLP } from './nn.js';

describe('makeMoons', () => {
  it('makes 100 seeded points, half per moon, near the two half circles', () => {
    const data = makeMoons();
    expect(data.points).toHaveLength(100);
    expect(data.labels.filter((label) => label === 1)).toHaveLength(50);
    expect(makeMoons()).toEqual(data);
    expect(makeMoons({ seed: 2 })).not.toEqual(data);
    const clean = makeMoons({ noise: 0 });
    clean.points.forEach(([x, y], i) => {
      const [cx, cy] = clean.labels[i] === -1 ? [0, 0] : [1, 0.5];
      expect(Math.hypot(x - cx, y - cy)).toBeAllclose(1, { atol: 1e-12 });
      expect(clean.labels[i] === -1 ? y >= -1e-12 : y <= 0.5 + 1e-12).toBe(true);
    });
  });
});

describe('moons MLP', () => {
  it('hinge loss plus L2 is the mean of relu(1 - y score) plus alpha sum p^2', () => {
    const data = makeMoons({ count: 4 });
    const model = new MLP(2, [3, 1], { seed: 1 });
    const { loss, accuracy } = moonsLoss(model, data, 0.5);
    const scores = data.points.map((p) => model.forward(p)[0].data);
    const hinge = scores.reduce((sum, s, i) => sum + Math.max(0, 1 - data.labels[i] * s), 0) / 4;
    const l2 = model.parameters().reduce((sum, p) => sum + p.data ** 2, 0);
    expect(loss.data).toBeAllclose(hinge + 0.5 * l2, { atol: 1e-12 });
    const right = scores.filter((s, i) => s > 0 === data.labels[i] > 0).length;
    expect(accuracy).toBe(right / 4);
  });

  it("trains micrograd's 2-16-16-1 MLP to >= 95% training accuracy in 100 steps", () => {
    const { model, data, history } = trainMoons();
    expect(model.parameters()).toHaveLength(337);
    expect(history).toHaveLength(100);
    expect(history[99].loss).toBeLessThan(history[0].loss / 10);
    expect(moonsLoss(model, data).accuracy).toBeGreaterThanOrEqual(0.95);
  });
});
