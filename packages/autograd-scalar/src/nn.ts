import { Random } from './random.js';
import { type Operand, Value } from './value.js';

/** The nonlinearity a neuron applies to its weighted sum. */
export type Activation = 'linear' | 'tanh' | 'relu' | 'sigmoid';

const activations: readonly Activation[] = ['linear', 'tanh', 'relu', 'sigmoid'];

/** Anything with trainable parameters. */
export abstract class Module {
  /** Every trainable value, in a stable order. */
  abstract parameters(): Value[];

  /** Sets the grad of every parameter to 0 (call before each backward pass when training). */
  zeroGrad(): void {
    for (const parameter of this.parameters()) parameter.grad = 0;
  }
}

export interface NeuronOptions {
  /** Default 'relu' (micrograd's `nonlin=True`). */
  activation?: Activation;
  /** Where the initial weights come from; default `new Random(0)`. */
  random?: Random;
  /** Weights start uniform in [-initRange, initRange]; default 1 as in micrograd. Bias starts at 0. */
  initRange?: number;
}

/** One unit: activation(sum_i w_i x_i + b). */
export class Neuron extends Module {
  readonly weights: Value[];
  readonly bias: Value;
  readonly activation: Activation;

  constructor(inputCount: number, options: NeuronOptions = {}) {
    super();
    checkCount('Neuron', 'inputCount', inputCount);
    const activation = options.activation ?? 'relu';
    if (!activations.includes(activation)) {
      throw new TypeError(
        `Neuron: activation must be one of ${activations.join(', ')}, got '${activation}'`,
      );
    }
    const random = options.random ?? new Random(0);
    const range = options.initRange ?? 1;
    this.weights = Array.from(
      { length: inputCount },
      () => new Value(random.uniform(-range, range)),
    );
    this.bias = new Value(0);
    this.activation = activation;
  }

  forward(inputs: readonly Operand[]): Value {
    checkInputs('Neuron', this.weights.length, inputs);
    let sum = this.bias;
    for (let i = 0; i < this.weights.length; i++) sum = sum.add(this.weights[i].mul(inputs[i]));
    switch (this.activation) {
      case 'linear':
        return sum;
      case 'tanh':
        return sum.tanh();
      case 'relu':
        return sum.relu();
      case 'sigmoid':
        return sum.sigmoid();
    }
  }

  parameters(): Value[] {
    return [...this.weights, this.bias];
  }
}

/** `outputCount` neurons reading the same inputs. */
export class Layer extends Module {
  readonly neurons: Neuron[];

  constructor(inputCount: number, outputCount: number, options: NeuronOptions = {}) {
    super();
    checkCount('Layer', 'outputCount', outputCount);
    this.neurons = Array.from({ length: outputCount }, () => new Neuron(inputCount, options));
  }

  forward(inputs: readonly Operand[]): Value[] {
    return this.neurons.map((neuron) => neuron.forward(inputs));
  }

  parameters(): Value[] {
    return this.neurons.flatMap((neuron) => neuron.parameters());
  }
}

export interface MLPOptions {
  /** Seed of the initial weights (ignored when `random` is given); default 0. */
  seed?: number;
  /** A generator to draw the initial weights from. */
  random?: Random;
  /** Activation of the hidden layers; default 'relu'. */
  activation?: Activation;
  /** Activation of the last layer; default 'linear'. */
  outputActivation?: Activation;
  /** Initial weights uniform in [-initRange, initRange]; default 1. */
  initRange?: number;
}

/** A multilayer perceptron: `new MLP(2, [16, 16, 1])` maps 2 inputs to 1 output. */
export class MLP extends Module {
  readonly layers: Layer[];

  constructor(inputCount: number, sizes: readonly number[], options: MLPOptions = {}) {
    super();
    if (!Array.isArray(sizes) || sizes.length === 0) {
      throw new TypeError(`MLP: sizes must be a non-empty array of layer widths, got ${sizes}`);
    }
    const random = options.random ?? new Random(options.seed ?? 0);
    const widths = [inputCount, ...sizes];
    this.layers = sizes.map(
      (_, i) =>
        new Layer(widths[i], widths[i + 1], {
          random,
          initRange: options.initRange,
          activation:
            i === sizes.length - 1
              ? (options.outputActivation ?? 'linear')
              : (options.activation ?? 'relu'),
        }),
    );
  }

  /** The outputs of the last layer (an array even when it has one unit). */
  forward(inputs: readonly Operand[]): Value[] {
    let activations: Operand[] | readonly Operand[] = inputs;
    for (const layer of this.layers) activations = layer.forward(activations);
    return activations as Value[];
  }

  parameters(): Value[] {
    return this.layers.flatMap((layer) => layer.parameters());
  }
}

function checkCount(owner: string, name: string, count: number): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new TypeError(`${owner}: ${name} must be a positive integer, got ${count}`);
  }
}

function checkInputs(owner: string, expected: number, inputs: readonly Operand[]): void {
  if (!Array.isArray(inputs) || inputs.length !== expected) {
    const got = Array.isArray(inputs) ? `${inputs.length}` : typeof inputs;
    throw new TypeError(`${owner}: expected ${expected} inputs, got ${got}`);
  }
}
