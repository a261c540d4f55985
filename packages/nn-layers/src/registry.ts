/** Models by name, so a CLI flag or a saved config.json can rebuild a model. */
import type { LossName } from './losses.js';
import {
  lenet1,
  lenet4,
  lenet5,
  lenet5Modern,
  type MlpOptions,
  type ModelConfig,
  mlp,
} from './models.js';
import type { Module } from './module.js';

export interface ModelEntry {
  readonly name: string;
  readonly description: string;
  /** The loss the model's output is meant for. */
  readonly defaultLoss: LossName;
  create(options?: Record<string, unknown>): Module;
}

function mlpEntry(name: string, sizes: number[], description: string): ModelEntry {
  return {
    name,
    description,
    defaultLoss: 'cross-entropy',
    create: (options = {}) => mlp(sizes, options as MlpOptions),
  };
}

const entries: ModelEntry[] = [
  {
    name: 'lenet5',
    description:
      'LeNet-5 as published: C3 table, trainable sub-sampling, scaled tanh, RBF output (60,000 params)',
    defaultLoss: 'rbf-map',
    create: (options = {}) => lenet5(options),
  },
  {
    name: 'lenet5-modern',
    description:
      'LeNet-5 as taught today: full C3, max/avg pooling, ReLU/tanh, linear 10-way output (61,706 params)',
    defaultLoss: 'cross-entropy',
    create: (options = {}) => lenet5Modern(options),
  },
  {
    name: 'lenet1',
    description:
      'LeNet-1: 28x28 input, 4 and 12 feature maps, averaging sub-sampling (3,246 params)',
    defaultLoss: 'cross-entropy',
    create: (options = {}) => lenet1(options),
  },
  {
    name: 'lenet4',
    description: 'LeNet-4: 4 maps, 8 paired sub-sampling maps, 16 maps, 120 units (52,698 params)',
    defaultLoss: 'cross-entropy',
    create: (options = {}) => lenet4(options),
  },
  mlpEntry('linear', [784, 10], 'Linear classifier 28x28-10 (7,850 params)'),
  mlpEntry('mlp-300', [784, 300, 10], 'One hidden layer, 28x28-300-10 (238,510 params)'),
  mlpEntry('mlp-1000', [784, 1000, 10], 'One hidden layer, 28x28-1000-10 (795,010 params)'),
  mlpEntry(
    'mlp-300-100',
    [784, 300, 100, 10],
    'Two hidden layers, 28x28-300-100-10 (266,610 params)',
  ),
  mlpEntry(
    'mlp-500-150',
    [784, 500, 150, 10],
    'Two hidden layers, 28x28-500-150-10 (469,160 params)',
  ),
  {
    name: 'mlp',
    description: 'Fully connected net with options.sizes, e.g. { sizes: [784, 300, 10] }',
    defaultLoss: 'cross-entropy',
    create: (options = {}) => {
      const { sizes, ...rest } = options as MlpOptions & { sizes?: number[] };
      if (!Array.isArray(sizes)) throw new RangeError("model 'mlp': options.sizes is required");
      return mlp(sizes, rest);
    },
  },
];

const registry = new Map(entries.map((entry) => [entry.name, entry]));

/** Names of every registered model. */
export function modelNames(): string[] {
  return [...registry.keys()];
}

export function modelEntry(name: string): ModelEntry {
  const entry = registry.get(name);
  if (!entry) {
    throw new RangeError(
      `unknown model ${JSON.stringify(name)}; known: ${modelNames().join(', ')}`,
    );
  }
  return entry;
}

/** Builds a model by registry name (or from a saved config). */
export function createModel(
  config: string | ModelConfig,
  options: Record<string, unknown> = {},
): Module {
  if (typeof config === 'string') return modelEntry(config).create(options);
  if (config === null || typeof config !== 'object' || typeof config.name !== 'string') {
    throw new TypeError('createModel: expected a model name or { name, options }');
  }
  return modelEntry(config.name).create({ ...(config.options ?? {}), ...options });
}
