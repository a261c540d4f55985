import { MLP } from './nn.js';
import { Random } from './random.js';
import { type Operand, Value } from './value.js';

/** Points in the plane, each labelled -1 (upper moon) or +1 (lower moon). */
export interface MoonsData {
  points: [number, number][];
  labels: (-1 | 1)[];
}

export interface MoonsOptions {
  /** Number of points; default 100 (micrograd's demo). */
  count?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate; default 0.1. */
  noise?: number;
  /** Default 1337 (micrograd's demo seed; its points differ since its RNG is numpy's). */
  seed?: number;
}

/**
 * Two interleaving half circles, as scikit-learn's `make_moons`: the upper moon is
 * (cos t, sin t), the lower (1 - cos t, 0.5 - sin t), t evenly spaced over [0, pi], then the
 * points are shuffled and noise is added.
 */
export function makeMoons(options: MoonsOptions = {}): MoonsData {
  const count = options.count ?? 100;
  const noise = options.noise ?? 0.1;
  if (!Number.isInteger(count) || count < 2) {
    throw new TypeError(`makeMoons: count must be an integer >= 2, got ${count}`);
  }
  const random = new Random(options.seed ?? 1337);
  const upperCount = Math.floor(count / 2);
  const lowerCount = count - upperCount;
  const samples: { point: [number, number]; label: -1 | 1 }[] = [];
  for (let i = 0; i < upperCount; i++) {
    const t = (Math.PI * i) / Math.max(1, upperCount - 1);
    samples.push({ point: [Math.cos(t), Math.sin(t)], label: -1 });
  }
  for (let i = 0; i < lowerCount; i++) {
    const t = (Math.PI * i) / Math.max(1, lowerCount - 1);
    samples.push({ point: [1 - Math.cos(t), 0.5 - Math.sin(t)], label: 1 });
  }
  random.shuffle(samples);
  for (const sample of samples) {
    sample.point[0] += random.normal(0, noise);
    sample.point[1] += random.normal(0, noise);
  }
  return { points: samples.map((s) => s.point), labels: samples.map((s) => s.label) };
}

/** A model giving one score per point: its sign is the predicted label. */
export interface ScoreModel {
  forward(inputs: readonly Operand[]): Value[];
  parameters(): Value[];
}

/**
 * micrograd's demo loss: mean max-margin (hinge) loss relu(1 - y * score) over all points plus
 * `alpha` times the sum of squared parameters. Accuracy counts points whose score has the
 * label's sign.
 */
export function moonsLoss(
  model: ScoreModel,
  data: MoonsData,
  alpha = 1e-4,
): { loss: Value; accuracy: number } {
  let dataLoss = new Value(0);
  let correct = 0;
  for (let i = 0; i < data.points.length; i++) {
    const score = model.forward(data.points[i])[0];
    const label = data.labels[i];
    dataLoss = dataLoss.add(score.mul(-label).add(1).relu());
    if (score.data > 0 === label > 0) correct++;
  }
  let squares = new Value(0);
  for (const parameter of model.parameters()) squares = squares.add(parameter.mul(parameter));
  const loss = dataLoss.div(data.points.length).add(squares.mul(alpha));
  return { loss, accuracy: correct / data.points.length };
}

export interface MoonsStep {
  step: number;
  loss: number;
  accuracy: number;
}

export interface TrainMoonsOptions {
  /** Seed of the points; default 1337. */
  dataSeed?: number;
  /** Seed of the initial weights; default 1337. */
  modelSeed?: number;
  /** Full-batch SGD steps; default 100, learning rate 1 - 0.9 k / steps as in micrograd. */
  steps?: number;
  /** Called after every step. */
  onStep?: (step: MoonsStep) => void;
}

/** Trains micrograd's 2-16-16-1 ReLU MLP on the two moons and returns its history. */
export function trainMoons(options: TrainMoonsOptions = {}): {
  model: MLP;
  data: MoonsData;
  history: MoonsStep[];
} {
  const data = makeMoons({ seed: options.dataSeed ?? 1337 });
  const model = new MLP(2, [16, 16, 1], { seed: options.modelSeed ?? 1337 });
  const steps = options.steps ?? 100;
  const history: MoonsStep[] = [];
  for (let step = 0; step < steps; step++) {
    const { loss, accuracy } = moonsLoss(model, data);
    model.zeroGrad();
    loss.backward();
    const learningRate = 1 - (0.9 * step) / steps;
    for (const parameter of model.parameters()) parameter.data -= learningRate * parameter.grad;
    const record = { step, loss: loss.data, accuracy };
    history.push(record);
    options.onStep?.(record);
  }
  return { model, data, history };
}
