/**
 * The model zoo: plain functions returning modules. Every model records its input shape (so
 * `toString()` prints the summary) and its config (so `saveModel`/`loadModel` can rebuild it).
 */
import { Generator } from '@lenet/tensor';
import type { InitScheme } from './init.js';
import type { FusedActivation } from './layers/activation.js';
import { Conv2d } from './layers/conv2d.js';
import { Linear } from './layers/linear.js';
import { AvgPool2d, MaxPool2d, Subsampling } from './layers/pooling.js';
import { RBFOutput } from './layers/rbf-output.js';
import { Sequential } from './layers/sequential.js';
import { Flatten } from './layers/shape-layers.js';
import type { Module } from './module.js';

/** What `saveModel` writes to config.json and `createModel` reads back. */
export interface ModelConfig {
  /** A registry name ('lenet5', 'mlp-300', ...). */
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
}

const configs = new WeakMap<Module, ModelConfig>();

/** The config a zoo model was built from, or null for a hand-built module. */
export function modelConfigOf(model: Module): ModelConfig | null {
  return configs.get(model) ?? null;
}

function finish<M extends Module>(model: M, inputShape: number[], config: ModelConfig): M {
  model.inputShape = inputShape;
  configs.set(model, { name: config.name, options: { ...config.options } });
  return model;
}

/**
 * LeNet-5's C3 connection table (P98 Table I): row = C3 map, column = S2 map. The first six
 * C3 maps take contiguous triples of S2 maps, the next six contiguous quadruples, the next
 * three non-contiguous quadruples, the last all six.
 */
export const LENET5_C3_TABLE: readonly (readonly number[])[] = [
  [0, 1, 2],
  [1, 2, 3],
  [2, 3, 4],
  [3, 4, 5],
  [4, 5, 0],
  [5, 0, 1],
  [0, 1, 2, 3],
  [1, 2, 3, 4],
  [2, 3, 4, 5],
  [3, 4, 5, 0],
  [4, 5, 0, 1],
  [5, 0, 1, 2],
  [0, 1, 3, 4],
  [1, 2, 4, 5],
  [0, 2, 3, 5],
  [0, 1, 2, 3, 4, 5],
].map((inputs) => Array.from({ length: 6 }, (_, map) => (inputs.includes(map) ? 1 : 0)));

export interface SeedOptions {
  /** Seed of the generator that draws the initial weights (default 0). */
  seed?: number;
}

export interface Lenet5Options extends SeedOptions {
  /**
   * 'lecun98' (default): weights and biases uniform in +-2.4/fanIn, the paper's Appendix A.
   * 'lecun-lush': weights in +-1/sqrt(fanIn), biases 0, sub-sampling coefficients 0.5, what
   * LeCun's Lush code does (`(forget 1 2)` in gblearn2's lenet5 demo).
   */
  init?: 'lecun98' | 'lecun-lush';
}

/**
 * LeNet-5 exactly as published (P98 section II-B): 32x32 input, C1 6@28x28, S2 6@14x14,
 * C3 16@10x10 with Table I's partial connections, S4 16@5x5, C5 120, F6 84, every unit with
 * the squashing function 1.7159 tanh(2a/3), and the Euclidean RBF output with fixed 7x12 codes.
 * 60,000 trainable parameters, initialised by `options.init`. Outputs are penalties (smaller =
 * more likely); train with `rbfMapLoss` or `rbfMseLoss`.
 */
export function lenet5(options: Lenet5Options = {}): Sequential {
  const generator = new Generator(options.seed ?? 0);
  const init = options.init ?? 'lecun98';
  if (init !== 'lecun98' && init !== 'lecun-lush') {
    throw new RangeError(
      `lenet5: init must be 'lecun98' or 'lecun-lush', got ${JSON.stringify(init)}`,
    );
  }
  const common = { activation: 'scaledTanh', init, generator } as const;
  const model = new Sequential({
    c1: new Conv2d(1, 6, 5, common),
    s2: new Subsampling(6, common),
    c3: new Conv2d(6, 16, 5, { connectionTable: LENET5_C3_TABLE, ...common }),
    s4: new Subsampling(16, common),
    c5: new Conv2d(16, 120, 5, common),
    flatten: new Flatten(),
    f6: new Linear(120, 84, common),
    output: new RBFOutput(),
  });
  // The default is left out of the config so models saved before the option load unchanged.
  const saved = init === 'lecun98' ? {} : { init };
  return finish(model, [1, 32, 32], {
    name: 'lenet5',
    options: { seed: options.seed ?? 0, ...saved },
  });
}

export interface Lenet5ModernOptions extends SeedOptions {
  /** Default 'max'. */
  pooling?: 'max' | 'avg';
  /** Default 'relu'. */
  activation?: 'relu' | 'tanh' | 'scaledTanh';
}

/**
 * LeNet-5 as most courses teach it: full C3, max or average pooling, ReLU or tanh, and a
 * linear 10-way output for cross-entropy; 61,706 parameters. He-uniform initialisation for
 * ReLU, Xavier-uniform otherwise; biases start at 0.
 */
export function lenet5Modern(options: Lenet5ModernOptions = {}): Sequential {
  const pooling = options.pooling ?? 'max';
  const activationName = options.activation ?? 'relu';
  if (pooling !== 'max' && pooling !== 'avg') {
    throw new RangeError(
      `lenet5Modern: pooling must be 'max' or 'avg', got ${JSON.stringify(pooling)}`,
    );
  }
  if (!['relu', 'tanh', 'scaledTanh'].includes(activationName)) {
    throw new RangeError(
      `lenet5Modern: activation must be 'relu', 'tanh' or 'scaledTanh', got ${JSON.stringify(activationName)}`,
    );
  }
  const generator = new Generator(options.seed ?? 0);
  const activation = activationName as FusedActivation;
  const init: InitScheme = activation === 'relu' ? 'he-uniform' : 'xavier-uniform';
  const common = { activation, init, generator };
  const pool = () => (pooling === 'max' ? new MaxPool2d(2) : new AvgPool2d(2));
  const model = new Sequential({
    conv1: new Conv2d(1, 6, 5, common),
    pool1: pool(),
    conv2: new Conv2d(6, 16, 5, common),
    pool2: pool(),
    flatten: new Flatten(),
    fc1: new Linear(400, 120, common),
    fc2: new Linear(120, 84, common),
    fc3: new Linear(84, 10, { init: 'xavier-uniform', generator }),
  });
  return finish(model, [1, 32, 32], {
    name: 'lenet5-modern',
    options: { seed: options.seed ?? 0, pooling, activation: activationName },
  });
}

/**
 * LeNet-1 (P98 section III-C.5; layer sizes from LeCun et al. 1995, not given in P98): 28x28
 * input, 4@24x24 (5x5), 2x2 averaging, 12@8x8 (5x5, fully connected to the 4 maps: the
 * original's partial connections are not published), 2x2 averaging, linear 10-way output.
 * 3,246 parameters (the paper says about 2,600; the difference is C3's unknown sparsity).
 */
export function lenet1(options: SeedOptions = {}): Sequential {
  const generator = new Generator(options.seed ?? 0);
  const activation = 'scaledTanh';
  const model = new Sequential({
    c1: new Conv2d(1, 4, 5, { activation, generator }),
    s2: new AvgPool2d(2),
    c3: new Conv2d(4, 12, 5, { activation, generator }),
    s4: new AvgPool2d(2),
    flatten: new Flatten(),
    output: new Linear(192, 10, { generator }),
  });
  return finish(model, [1, 28, 28], { name: 'lenet1', options: { seed: options.seed ?? 0 } });
}

/**
 * LeNet-4 (P98 section III-C.5): 4 first-level maps, 8 sub-sampling maps connected in pairs to
 * each first-level map, 16 feature maps, 16 sub-sampling maps, a full layer of 120 units and
 * 10 outputs. P98 gives no kernel or input sizes; we use the usual 32x32 input and 5x5
 * kernels, C3 fully connected, S-layers like LeNet-5's, a linear 10-way output: 52,698
 * parameters. (The paper's ~17,000 parameters cannot hold with a 120-unit layer on 16 5x5
 * maps, which alone has 48,120; its exact geometry is an open question.)
 */
export function lenet4(options: SeedOptions = {}): Sequential {
  const generator = new Generator(options.seed ?? 0);
  const activation = 'scaledTanh';
  const model = new Sequential({
    c1: new Conv2d(1, 4, 5, { activation, generator }),
    s2: new Subsampling(4, { multiplier: 2, activation, generator }),
    c3: new Conv2d(8, 16, 5, { activation, generator }),
    s4: new Subsampling(16, { activation, generator }),
    c5: new Conv2d(16, 120, 5, { activation, generator }),
    flatten: new Flatten(),
    output: new Linear(120, 10, { generator }),
  });
  return finish(model, [1, 32, 32], { name: 'lenet4', options: { seed: options.seed ?? 0 } });
}

export interface MlpOptions extends SeedOptions {
  /** Hidden-layer activation (default 'scaledTanh', the paper's squashing function). */
  activation?: 'scaledTanh' | 'tanh' | 'sigmoid' | 'relu';
  /** Default 'lecun98'. */
  init?: InitScheme;
}

/**
 * A fully connected net, e.g. `mlp([784, 300, 10])` (the paper's 28x28-300-10). Takes images
 * [batch, 1, 28, 28] (flattened first) when sizes[0] = 784, else [batch, sizes[0]]; hidden
 * layers use the activation, the output is linear (logits for cross-entropy).
 */
export function mlp(sizes: readonly number[], options: MlpOptions = {}): Sequential {
  if (sizes.length < 2 || !sizes.every((size) => Number.isInteger(size) && size > 0)) {
    throw new RangeError(
      `mlp: sizes must be at least two positive integers, got [${sizes.join(', ')}]`,
    );
  }
  const generator = new Generator(options.seed ?? 0);
  const activation = options.activation ?? 'scaledTanh';
  const init = options.init ?? 'lecun98';
  const layers: Record<string, Module> = { flatten: new Flatten() };
  for (let i = 1; i < sizes.length; i++) {
    const hidden = i < sizes.length - 1;
    layers[`fc${i}`] = new Linear(sizes[i - 1], sizes[i], {
      activation: hidden ? activation : 'identity',
      init,
      generator,
    });
  }
  const model = new Sequential(layers);
  const inputShape = sizes[0] === 784 ? [1, 28, 28] : [sizes[0]];
  return finish(model, inputShape, {
    name: 'mlp',
    options: { sizes: [...sizes], seed: options.seed ?? 0, activation, init },
  });
}
