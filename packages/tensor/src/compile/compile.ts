// Compiled execution: trace a function of tensors once per input shape, then replay its kernel
// calls on the same buffers (as tinygrad's TinyJit or CUDA graphs do).
//
// The first call with a given signature (input shapes and dtypes, grad mode, backend) runs the
// function eagerly on private copies of the inputs while recording every kernel call and host
// step (src/compile/trace.ts). Later calls copy the new inputs into those copies and replay the
// recording: no op dispatch, no shape checks, no tape, no allocation. The tensors the function
// returned are returned again, holding the new values.
//
// What a replay repeats, and what it does not:
// - Everything computed by kernels, including backward passes and gradient accumulation into
//   `.grad`, and host steps (random draws of dropout, gradient attachment): those run again.
// - JavaScript decisions taken while tracing are frozen: branches on tensor values, numbers
//   captured from closures (a learning rate), tensors created from JavaScript values. Pass
//   anything that changes between calls as an input tensor.
// - Gradients: a leaf whose `.grad` was null at trace time gets it set by every replay; one
//   that had a gradient gets it added to, as eagerly. A call whose leaves do not match the state
//   seen at trace time (a gradient zeroed by `grad = null` in one case, kept in the other) is
//   traced again, so a replay always does what the eager function would have done.

import { isGradEnabled } from '../autograd.js';
import type { Backend, CopyArgs } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { copyInto } from '../ops/shape.js';
import { type DType, Tensor } from '../tensor.js';
import { recordTrace, type StorageField, type Trace, type TracedCall } from './trace.js';

/** A compiled function: call it like the original. */
export interface CompiledFunction<Inputs extends readonly Tensor<DType>[], Result> {
  (...inputs: Inputs): Result;
  /** How many times the function has been traced (once per new signature). */
  readonly traceCount: number;
  /** Forgets every recorded program (the next call traces again). */
  reset(): void;
}

export interface CompileOptions {
  /** Most programs kept per input signature (different gradient states); default 4. */
  maxProgramsPerSignature?: number;
}

/** One recorded run: its private inputs, its calls, the result it returns. */
class Program<Result> {
  private readonly run: readonly (() => void)[];

  constructor(
    readonly inputs: readonly Tensor<DType>[],
    readonly result: Result,
    private readonly trace: Trace,
  ) {
    const calls = elideCopies(trace, storagesOf(result));
    this.run = calls.map((call) => replayer(call, trace));
    this.backend = trace.backend;
    this.inputCopies = inputs.map((input) => ({
      shape: [input.size],
      input: input.kernelData,
      inputOffset: 0,
      inputStrides: [1],
      output: input.kernelData,
      outputOffset: 0,
      outputStrides: [1],
    }));
  }

  private readonly backend: Backend;
  /** One reused argument object per input for the copy into the program. */
  private readonly inputCopies: CopyArgs[];

  /** Number of calls a replay makes (kernels and host steps), after rewrites. */
  get callCount(): number {
    return this.run.length;
  }

  /** Whether every leaf's gradient (and curvature) is in the state the trace saw. */
  matches(): boolean {
    const guards = this.trace.guards;
    for (let i = 0; i < guards.length; i++) {
      const guard = guards[i];
      if (guard.tensor[guard.field] !== guard.value) return false;
    }
    return true;
  }

  replay(inputs: readonly Tensor<DType>[]): Result {
    const copies = this.inputCopies;
    for (let i = 0; i < inputs.length; i++) {
      const args = copies[i];
      args.input = inputs[i].kernelData;
      args.output = this.inputs[i].kernelData;
      this.backend.copy(args);
    }
    const run = this.run;
    for (let i = 0; i < run.length; i++) run[i]();
    return this.result;
  }
}

/** A closure that repeats one recorded call, re-reading its storage-backed arguments. */
function replayer(call: TracedCall, trace: Trace): () => void {
  if (call.kind === 'host') return call.run;
  const kernel = (trace.backend[call.kernel] as (args: unknown) => void).bind(trace.backend);
  const args = call.args;
  const fields = call.fields;
  if (fields.length === 0) return () => kernel(args);
  return () => {
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      args[field.key] = field.storage.data;
    }
    kernel(args);
  };
}

type AnyStorage = StorageField['storage'];

/** The storages of the tensors in a result (a tensor, or arrays and plain objects of them). */
function storagesOf(result: unknown, found = new Set<AnyStorage>(), depth = 0): Set<AnyStorage> {
  if (result instanceof Tensor) {
    found.add(result.storage);
  } else if (result && typeof result === 'object' && depth < 4) {
    for (const value of Object.values(result)) storagesOf(value, found, depth + 1);
  }
  return found;
}

function references(call: TracedCall, storage: AnyStorage): boolean {
  return call.kind === 'kernel' && call.fields.some((field) => field.storage === storage);
}

/**
 * The rewrite that removes the copy of a freshly computed gradient into the leaf's new `.grad`
 * buffer: the kernels that produced the source write into the target instead. Only for copies
 * marked elidable whose source is the program's own, unseen by host steps and results, and
 * unused after the copy (and whose target is unused before it).
 */
function elideCopies(trace: Trace, resultStorages: Set<AnyStorage>): TracedCall[] {
  const calls: (TracedCall | null)[] = [...trace.calls];
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    if (call?.kind !== 'kernel' || !trace.elidableCopies.has(call)) continue;
    const source = call.fields.find((field) => field.key === 'input')?.storage;
    const target = call.fields.find((field) => field.key === 'output')?.storage;
    if (!source || !target || source.length !== target.length) continue;
    if (!trace.allocated.has(source) || !trace.allocated.has(target)) continue;
    if (trace.hostTouched.has(source) || resultStorages.has(source)) continue;
    const earlier = calls.slice(0, i).filter((c): c is TracedCall => c !== null);
    const later = calls.slice(i + 1).filter((c): c is TracedCall => c !== null);
    if (earlier.some((c) => references(c, target))) continue;
    if (later.some((c) => references(c, source))) continue;
    for (let j = 0; j < i; j++) {
      const before = calls[j];
      if (before?.kind !== 'kernel' || !references(before, source)) continue;
      calls[j] = {
        ...before,
        fields: before.fields.map((field) =>
          field.storage === source ? { key: field.key, storage: target } : field,
        ),
      };
    }
    calls[i] = null;
  }
  return calls.filter((c): c is TracedCall => c !== null);
}

function signature(inputs: readonly Tensor<DType>[]): string {
  let key = `${getBackend().name}|${isGradEnabled() ? 'grad' : 'nograd'}`;
  for (const input of inputs) {
    if (!(input instanceof Tensor)) {
      throw new TypeError(
        `compile: every argument must be a Tensor, got ${input === null ? 'null' : typeof input} (numbers and options belong in the closure)`,
      );
    }
    key += `|${input.dtype}[${input.shape.join(',')}]`;
  }
  return key;
}

/** A private copy of an input that the program owns (it does not track gradients). */
function slotFor(input: Tensor<DType>): Tensor<DType> {
  const slot = Tensor.empty(input.shape, input.dtype);
  copyInto(slot, input);
  return slot;
}

/**
 * Compiles `fn`, a function of tensors (a model's forward, a whole training step with
 * `loss.backward()`, the curvature pass), into programs replayed on buffers allocated once.
 * The first call per input signature traces `fn`; later calls replay it. The result (a tensor,
 * an array or an object of tensors) is the same objects at every call, updated in place: copy
 * what you keep. Inputs are copied into the program, never written.
 */
export function compile<Inputs extends readonly Tensor<DType>[], Result>(
  fn: (...inputs: Inputs) => Result,
  options: CompileOptions = {},
): CompiledFunction<Inputs, Result> {
  if (typeof fn !== 'function') {
    throw new TypeError(`compile: expected a function, got ${typeof fn}`);
  }
  const limit = options.maxProgramsPerSignature ?? 4;
  const programs = new Map<string, Program<Result>[]>();
  let traceCount = 0;

  const compiled = (...inputs: Inputs): Result => {
    const key = signature(inputs);
    let candidates = programs.get(key);
    if (candidates) {
      for (let i = 0; i < candidates.length; i++) {
        const program = candidates[i];
        if (program.matches()) return program.replay(inputs);
      }
    } else {
      candidates = [];
      programs.set(key, candidates);
    }
    const slots = inputs.map(slotFor);
    const { result, trace } = recordTrace(() => fn(...(slots as unknown as Inputs)));
    traceCount++;
    const program = new Program(slots, result, trace);
    if (candidates.length >= limit) candidates.shift();
    candidates.push(program);
    return result;
  };
  Object.defineProperty(compiled, 'traceCount', { get: () => traceCount });
  Object.defineProperty(compiled, 'reset', { value: () => programs.clear() });
  return compiled as CompiledFunction<Inputs, Result>;
}
