/**
 * `Module`: the base of every layer and model, as in PyTorch. A module owns named parameters
 * (trainable tensors), buffers (state saved with the model but not trained) and child modules;
 * names compose with dots (`c1.weight`, `features.0.bias`).
 *
 * A module holds no math of its own: `forward` composes tensor ops, and each op brings its
 * gradient and curvature rule (the Gauss-Newton pass SDLM needs, see `diag-hessian.ts`).
 */
import { noGrad, type Tensor, zeros } from '@lenet/tensor';
import type { NamedTensorData } from './safetensors.js';

export class StateDictError extends Error {
  override name = 'StateDictError';
}

/** One row of `summary()`: a module, the shape it produced and its own parameter count. */
export interface SummaryRow {
  readonly name: string;
  readonly layer: string;
  readonly outputShape: readonly number[];
  readonly parameters: number;
}

export abstract class Module {
  /** Whether the module is in training mode (`train()`) or evaluation mode (`eval()`). */
  training = true;
  /**
   * The shape of one input sample without the batch dimension (e.g. [1, 32, 32]), when known:
   * `toString()` then prints the full summary with output shapes.
   */
  inputShape: readonly number[] | null = null;
  private readonly ownParameters = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly ownChildren = new Map<string, Module>();

  /** Computes the module's output; `input` has a leading batch dimension. */
  abstract forward(input: Tensor): Tensor;

  /** A short description of the module's configuration, e.g. `in=120, out=84`. */
  protected describe(): string {
    return '';
  }

  protected registerParameter(name: string, tensor: Tensor): Tensor {
    this.checkName(name);
    tensor.requiresGrad = true;
    this.ownParameters.set(name, tensor);
    return tensor;
  }

  protected registerBuffer(name: string, tensor: Tensor): Tensor {
    this.checkName(name);
    this.ownBuffers.set(name, tensor);
    return tensor;
  }

  protected registerModule<M extends Module>(name: string, module: M): M {
    this.checkName(name);
    if (!(module instanceof Module)) {
      throw new TypeError(`${this.constructor.name}: child "${name}" is not a Module`);
    }
    this.ownChildren.set(name, module);
    return module;
  }

  private checkName(name: string): void {
    if (name.length === 0 || name.includes('.')) {
      throw new RangeError(`${this.constructor.name}: invalid name "${name}" (non-empty, no dots)`);
    }
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.ownChildren.has(name)) {
      throw new RangeError(`${this.constructor.name}: name "${name}" is already registered`);
    }
  }

  /** Direct children in registration order, with their names. */
  namedChildren(): [string, Module][] {
    return [...this.ownChildren];
  }

  children(): Module[] {
    return [...this.ownChildren.values()];
  }

  /** This module and all its descendants, depth first, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const result: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.ownChildren) {
      result.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    }
    return result;
  }

  /** Every parameter with its dotted name, depth first; a tensor shared by two modules once. */
  namedParameters(): [string, Tensor][] {
    return this.collect((module) => module.ownParameters);
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, tensor]) => tensor);
  }

  namedBuffers(): [string, Tensor][] {
    return this.collect((module) => module.ownBuffers);
  }

  private collect(pick: (module: Module) => Map<string, Tensor>): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const result: [string, Tensor][] = [];
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, tensor] of pick(module)) {
        if (seen.has(tensor)) continue;
        seen.add(tensor);
        result.push([prefix ? `${prefix}.${name}` : name, tensor]);
      }
    }
    return result;
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const [, module] of this.namedModules()) module.training = mode;
    return this;
  }

  /** Evaluation mode (dropout off). */
  eval(): this {
    return this.train(false);
  }

  /** Zeroes every parameter's gradient in place (no allocation). */
  zeroGrad(): void {
    for (const parameter of this.parameters()) parameter.grad?.fill_(0);
  }

  /** Number of trainable parameter values (the paper's "free parameters"). */
  parameterCount(): number {
    const modules = new Set(this.namedModules().map(([, module]) => module));
    let count = 0;
    for (const module of modules) count += module.ownParameterCount();
    return count;
  }

  /** Number of parameter values registered directly on this module (not its children). */
  ownParameterCount(): number {
    let count = 0;
    for (const tensor of this.ownParameters.values()) count += tensor.size;
    return count;
  }

  /** Copies of every parameter and buffer by dotted name: safe to keep while training goes on. */
  stateDict(): Map<string, NamedTensorData> {
    const state = new Map<string, NamedTensorData>();
    for (const [name, tensor] of [...this.namedParameters(), ...this.namedBuffers()]) {
      state.set(name, { shape: [...tensor.shape], data: tensor.data.slice() });
    }
    return state;
  }

  /**
   * Copies values into the existing parameters and buffers (so optimizers keep their
   * references). Strict by default: every name must match and every shape agree, and all
   * problems are reported in one error. Non-strict loads the names both sides have (shapes
   * must still agree).
   */
  loadStateDict(
    state: Map<string, NamedTensorData> | Record<string, NamedTensorData>,
    options: { strict?: boolean } = {},
  ): void {
    const strict = options.strict ?? true;
    const entries = state instanceof Map ? state : new Map(Object.entries(state));
    const own = new Map([...this.namedParameters(), ...this.namedBuffers()]);
    const problems: string[] = [];
    const missing = [...own.keys()].filter((name) => !entries.has(name));
    const unexpected = [...entries.keys()].filter((name) => !own.has(name));
    if (strict && missing.length > 0) problems.push(`missing: ${missing.join(', ')}`);
    if (strict && unexpected.length > 0) problems.push(`unexpected: ${unexpected.join(', ')}`);
    for (const [name, tensor] of own) {
      const given = entries.get(name);
      if (!given) continue;
      const sameShape =
        given.shape.length === tensor.shape.length &&
        given.shape.every((size, axis) => size === tensor.shape[axis]) &&
        given.data.length === tensor.size;
      if (!sameShape) {
        problems.push(
          `${name}: shape [${given.shape.join(', ')}] (${given.data.length} values) in the state, [${tensor.shape.join(', ')}] in the model`,
        );
      }
    }
    if (problems.length > 0) {
      throw new StateDictError(
        `${this.constructor.name}.loadStateDict: state does not match the model; ${problems.join('; ')}`,
      );
    }
    for (const [name, tensor] of own) {
      const given = entries.get(name);
      // Float32 values are copied in by a kernel; int32 tensors live in JavaScript memory.
      if (given && tensor.dtype === 'float32') tensor.add_(given.data, { beta: 0 });
      else if (given) tensor.data.set(given.data);
    }
  }

  /**
   * Runs one forward pass on a zero batch of one sample shaped `inputShape` (default: the
   * module's own `inputShape`) and returns, for every leaf module, its output shape and
   * parameter count.
   */
  summaryRows(inputShape: readonly number[] | null = this.inputShape): SummaryRow[] {
    if (!inputShape) {
      throw new Error(`${this.constructor.name}.summary: no input shape given or known`);
    }
    const rows: SummaryRow[] = [];
    // Eval mode so that dropout neither changes shapes nor advances its generator.
    const modes = this.namedModules().map(([, module]) => [module, module.training] as const);
    this.eval();
    try {
      noGrad(() => this.traceSummary('', zeros([1, ...inputShape]), rows));
    } finally {
      for (const [module, training] of modes) module.training = training;
    }
    return rows;
  }

  /**
   * A torchinfo-style table: layer, output shape (batch of 1) and parameters, with totals.
   */
  summary(inputShape: readonly number[] | null = this.inputShape): string {
    const rows = this.summaryRows(inputShape);
    const header = ['Layer (name)', 'Output shape', 'Param #'];
    const cells = rows.map((row) => [
      `${row.layer} (${row.name})`,
      `[${row.outputShape.join(', ')}]`,
      row.parameters.toLocaleString('en-US'),
    ]);
    const widths = header.map((title, column) =>
      Math.max(title.length, ...cells.map((cell) => cell[column].length)),
    );
    const line = (cell: string[]) =>
      `${cell[0].padEnd(widths[0])}  ${cell[1].padEnd(widths[1])}  ${cell[2].padStart(widths[2])}`;
    const rule = '='.repeat(widths[0] + widths[1] + widths[2] + 4);
    const total = this.parameterCount();
    return [
      rule,
      line(header),
      rule,
      ...cells.map(line),
      rule,
      `Input shape: [1, ${(inputShape ?? []).join(', ')}]`,
      `Total params: ${total.toLocaleString('en-US')}`,
      rule,
    ].join('\n');
  }

  /** The summary table when the input shape is known, otherwise the module tree. */
  toString(): string {
    return this.inputShape ? this.summary() : this.tree();
  }

  /** A PyTorch-like indented tree of the modules and their configuration. */
  tree(indent = ''): string {
    const head = `${this.constructor.name}(${this.describe()}`;
    if (this.ownChildren.size === 0) return `${head})`;
    const inner = [...this.ownChildren].map(
      ([name, child]) => `${indent}  (${name}): ${child.tree(`${indent}  `)}`,
    );
    return `${head}\n${inner.join('\n')}\n${indent})`;
  }

  /**
   * @internal Runs `input` through the module for `summary()`, adding one row per leaf module;
   * containers override it to report their children. Returns the output.
   */
  traceSummary(name: string, input: Tensor, rows: SummaryRow[]): Tensor {
    const output = this.forward(input);
    rows.push({
      name: name || '(model)',
      layer: this.label(),
      outputShape: output.shape,
      parameters: this.parameterCount(),
    });
    return output;
  }

  /** The layer name shown by `summary()`: class name and configuration. */
  label(): string {
    const description = this.describe();
    return description ? `${this.constructor.name}(${description})` : this.constructor.name;
  }
}
