import { Layer, Module } from './nn.js';
import { Random } from './random.js';
import { type Operand, Value } from './value.js';

/**
 * The binary adder of Rumelhart, Hinton & Williams (1986, PDP chapter 8): two m-bit numbers
 * in (2m input units), their (m+1)-bit sum out, logistic units trained by the generalised
 * delta rule with momentum. The chapter uses it as its example of local minima: with too few
 * hidden units, or without direct input-to-output connections, learning often gets stuck.
 */

/** One addition a + b: inputs are a's bits then b's bits, targets the sum's bits (all high bit first). */
export interface AdderCase {
  a: number;
  b: number;
  inputs: number[];
  targets: number[];
}

/** Every ordered pair of `bits`-bit numbers (16 cases for 2 bits, 64 for 3). */
export function adderCases(bits: number): AdderCase[] {
  if (!Number.isInteger(bits) || bits < 1 || bits > 8) {
    throw new RangeError(`adderCases: bits must be an integer from 1 to 8, got ${bits}`);
  }
  const cases: AdderCase[] = [];
  for (let a = 0; a < 1 << bits; a++) {
    for (let b = 0; b < 1 << bits; b++) {
      cases.push({
        a,
        b,
        inputs: [...toBits(a, bits), ...toBits(b, bits)],
        targets: toBits(a + b, bits + 1),
      });
    }
  }
  return cases;
}

/** `value` as `width` bits, high bit first. */
export function toBits(value: number, width: number): number[] {
  return Array.from({ length: width }, (_, i) => (value >> (width - 1 - i)) & 1);
}

/** The shape of an adder network: hidden units, and whether inputs also feed the outputs. */
export interface AdderArchitecture {
  hidden: number;
  direct: boolean;
}

/** Like "4-3-3" or "4-3-3+direct". */
export function architectureName(bits: number, architecture: AdderArchitecture): string {
  const name = `${2 * bits}-${architecture.hidden}-${bits + 1}`;
  return architecture.direct ? `${name}+direct` : name;
}

/** A sigmoid hidden layer and a sigmoid output layer reading the hidden units (and inputs if direct). */
export class AdderNetwork extends Module {
  readonly hidden: Layer;
  readonly output: Layer;
  readonly direct: boolean;

  constructor(
    bits: number,
    architecture: AdderArchitecture,
    options: { random: Random; initRange?: number },
  ) {
    super();
    const init = {
      activation: 'sigmoid' as const,
      random: options.random,
      initRange: options.initRange ?? 0.3,
    };
    const inputCount = 2 * bits;
    this.direct = architecture.direct;
    this.hidden = new Layer(inputCount, architecture.hidden, init);
    this.output = new Layer(architecture.hidden + (this.direct ? inputCount : 0), bits + 1, init);
    // The chapter's units start with small random biases too, not 0.
    for (const neuron of [...this.hidden.neurons, ...this.output.neurons]) {
      neuron.bias.data = options.random.uniform(-init.initRange, init.initRange);
    }
  }

  forward(inputs: readonly Operand[]): Value[] {
    const hidden = this.hidden.forward(inputs);
    return this.output.forward(this.direct ? [...hidden, ...inputs] : hidden);
  }

  parameters(): Value[] {
    return [...this.hidden.parameters(), ...this.output.parameters()];
  }
}

export interface TrainAdderOptions extends AdderArchitecture {
  bits: number;
  seed: number;
  /** eta of the delta rule; default 0.5. */
  learningRate?: number;
  /** alpha of the delta rule; default 0.9. */
  momentum?: number;
  /** Initial weights and biases uniform in [-initRange, initRange]; default 0.3. */
  initRange?: number;
  /** Give up after this many sweeps through all cases; default 5000. */
  maxEpochs?: number;
}

export interface AdderResult {
  architecture: string;
  seed: number;
  /** Every output bit of every case on the right side of 0.5. */
  solved: boolean;
  /** Sweeps (weight updates) made before it was solved, or maxEpochs if it never was. */
  epochs: number;
  /** Fraction of cases with every output bit right. */
  accuracy: number;
  /** Final summed squared error, 1/2 sum (target - output)^2. */
  error: number;
}

/**
 * Trains one adder network from `seed` with batch gradient descent and momentum
 * (delta w = -eta dE/dw + alpha * previous delta w) until every case is right.
 */
export function trainAdder(options: TrainAdderOptions): AdderResult {
  const { bits, seed } = options;
  const learningRate = options.learningRate ?? 0.5;
  const momentum = options.momentum ?? 0.9;
  const maxEpochs = options.maxEpochs ?? 5000;
  const cases = adderCases(bits);
  const network = new AdderNetwork(bits, options, {
    random: new Random(seed),
    initRange: options.initRange,
  });
  const parameters = network.parameters();
  const previousStep = new Float64Array(parameters.length);
  let epochs = 0;
  let evaluation = evaluateAdder(network, cases);
  while (evaluation.accuracy < 1 && epochs < maxEpochs) {
    network.zeroGrad();
    evaluation.error.backward();
    for (let i = 0; i < parameters.length; i++) {
      const step = -learningRate * parameters[i].grad + momentum * previousStep[i];
      parameters[i].data += step;
      previousStep[i] = step;
    }
    epochs++;
    evaluation = evaluateAdder(network, cases);
  }
  return {
    architecture: architectureName(bits, options),
    seed,
    solved: evaluation.accuracy === 1,
    epochs,
    accuracy: evaluation.accuracy,
    error: evaluation.error.data,
  };
}

/** The summed squared error over all cases (as a graph) and the fraction of cases right. */
export function evaluateAdder(
  network: { forward(inputs: readonly Operand[]): Value[] },
  cases: readonly AdderCase[],
): { error: Value; accuracy: number } {
  let error = new Value(0);
  let right = 0;
  for (const { inputs, targets } of cases) {
    const outputs = network.forward(inputs);
    let allBitsRight = true;
    for (let j = 0; j < targets.length; j++) {
      const difference = outputs[j].sub(targets[j]);
      error = error.add(difference.mul(difference));
      const predictsOne = outputs[j].data > 0.5;
      if (predictsOne !== (targets[j] === 1)) allBitsRight = false;
    }
    if (allBitsRight) right++;
  }
  return { error: error.mul(0.5), accuracy: right / cases.length };
}

/** How often one architecture learned the adder over a range of seeds. */
export interface SweepRow {
  architecture: string;
  seeds: number;
  solved: number;
  /** Median sweeps to a solution among the seeds that solved it (null if none did). */
  medianEpochs: number | null;
}

export interface SweepOptions {
  bits?: number;
  architectures?: readonly AdderArchitecture[];
  /** Seeds 0 .. seeds-1; default 50. */
  seeds?: number;
  maxEpochs?: number;
  learningRate?: number;
  /** Called with each row as soon as its architecture is done. */
  onRow?: (row: SweepRow) => void;
  /** Called after each seed: the architecture's name, seeds done, seeds in all. */
  onSeed?: (architecture: string, done: number, seeds: number) => void;
}

/** The architectures the demo compares: 2, 3 and 8 hidden units, without and with direct links. */
export const sweepArchitectures: readonly AdderArchitecture[] = [
  { hidden: 2, direct: false },
  { hidden: 2, direct: true },
  { hidden: 3, direct: false },
  { hidden: 3, direct: true },
  { hidden: 8, direct: false },
  { hidden: 8, direct: true },
];

/** Trains every architecture from every seed and counts how often each converged. */
export function sweepAdder(options: SweepOptions = {}): SweepRow[] {
  const bits = options.bits ?? 2;
  const seeds = options.seeds ?? 50;
  const rows: SweepRow[] = [];
  for (const architecture of options.architectures ?? sweepArchitectures) {
    const solvedEpochs: number[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const result = trainAdder({
        bits,
        ...architecture,
        seed,
        maxEpochs: options.maxEpochs,
        learningRate: options.learningRate,
      });
      if (result.solved) solvedEpochs.push(result.epochs);
      options.onSeed?.(architectureName(bits, architecture), seed + 1, seeds);
    }
    solvedEpochs.sort((a, b) => a - b);
    const row: SweepRow = {
      architecture: architectureName(bits, architecture),
      seeds,
      solved: solvedEpochs.length,
      medianEpochs: solvedEpochs.length === 0 ? null : solvedEpochs[solvedEpochs.length >> 1],
    };
    rows.push(row);
    options.onRow?.(row);
  }
  return rows;
}

export interface AdderDemoOptions {
  /** Seeds per architecture in the sweep; default 50. */
  sweepSeeds?: number;
  /** Sweeps before a run counts as stuck; default 5000. */
  maxEpochs?: number;
  /** Receives the report line by line (the library itself prints nothing). */
  log?: (line: string) => void;
  /** Progress of the sweep (a row takes tens of seconds): after each seed, see `SweepOptions`. */
  onSeed?: SweepOptions['onSeed'];
}

export interface AdderDemoReport {
  twoBit: AdderResult;
  threeBit: AdderResult;
  sweep: SweepRow[];
}

/**
 * The adder demo behind `lenet adder` and the repository's main job: a 2-bit adder learned to
 * 100%, a 3-bit adder, and the seed sweep that measures how often each architecture gets stuck.
 */
export function runAdderDemo(options: AdderDemoOptions = {}): AdderDemoReport {
  const log = options.log ?? (() => {});
  const maxEpochs = options.maxEpochs ?? 5000;
  const sweepSeeds = options.sweepSeeds ?? 50;
  log('Binary adder (Rumelhart, Hinton & Williams 1986): sigmoid units, eta 0.5, alpha 0.9');

  const twoBit = trainAdder({ bits: 2, hidden: 3, direct: true, seed: 3, maxEpochs });
  log(describeResult('m=2, 16 cases', twoBit));

  // 64 cases sum four times the gradient of 16, so the step size is scaled down to match.
  const threeBit = trainAdder({
    bits: 3,
    hidden: 8,
    direct: false,
    seed: 0,
    learningRate: 0.1,
    maxEpochs,
  });
  log(describeResult('m=3, 64 cases', threeBit));

  log(`Seed sweep, m=2: seeds 0-${sweepSeeds - 1}, at most ${maxEpochs} epochs each`);
  log(formatSweepHeader());
  const sweep = sweepAdder({
    seeds: sweepSeeds,
    maxEpochs,
    onRow: (row) => log(formatSweepRow(row)),
    onSeed: options.onSeed,
  });
  return { twoBit, threeBit, sweep };
}

function describeResult(title: string, result: AdderResult): string {
  const outcome = result.solved
    ? `solved in ${result.epochs} epochs`
    : `not solved after ${result.epochs} epochs`;
  const accuracy = (100 * result.accuracy).toFixed(1);
  return `${title}: ${result.architecture} seed ${result.seed} ${outcome}, ${accuracy}% of cases right, error ${result.error.toFixed(4)}`;
}

/** The header of the sweep table (Markdown). */
export function formatSweepHeader(): string {
  return '| architecture | converged | rate | median epochs |\n|---|---|---|---|';
}

/** One Markdown table row of the sweep. */
export function formatSweepRow(row: SweepRow): string {
  const rate = `${((100 * row.solved) / row.seeds).toFixed(0)}%`;
  return `| ${row.architecture} | ${row.solved}/${row.seeds} | ${rate} | ${row.medianEpochs ?? '-'} |`;
}
