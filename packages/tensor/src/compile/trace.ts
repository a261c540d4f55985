// Recording the kernel calls of one run of a function, so that `compile` can replay them.
//
// While a trace is active, `getBackend()` returns a recording backend: every kernel call runs as
// usual and is also appended to the trace, with a shallow copy of its argument object. Typed
// arrays in the arguments are remembered by the storage they came from (every `Tensor.kernelData`
// read during the trace is noted), because a view of WebAssembly memory is re-created when the
// memory grows: a replay reads `storage.data` again before each call. Work that is not a kernel
// (drawing random numbers, attaching a gradient to its leaf) goes through `hostStep`, which runs
// it now and records it to run again at every replay.
import type { Backend, BackendKernels, Storage } from '../backend/backend.js';
import { getBackend, setTraceBackend } from '../backend/registry.js';
import { type DType, setTraceObserver, type Tensor } from '../tensor.js';

type AnyStorage = Storage | { readonly length: number; readonly data: Int32Array };

/** One typed-array argument of a recorded call, re-read from its storage at every replay. */
export interface StorageField {
  readonly key: string;
  readonly storage: AnyStorage;
}

/** A recorded kernel call: the kernel, its (copied) argument object and its storage-backed fields. */
export interface KernelCall {
  readonly kind: 'kernel';
  readonly kernel: keyof BackendKernels;
  readonly args: Record<string, unknown>;
  readonly fields: readonly StorageField[];
}

/** A recorded piece of host work (random draws, bookkeeping), run again at every replay. */
export interface HostCall {
  readonly kind: 'host';
  readonly run: () => void;
}

export type TracedCall = KernelCall | HostCall;

/** Which tensor field a backward pass (`backward`, `backwardCurvature`) accumulates into. */
export type AccumulatorField = 'grad' | 'curvature';

/** A leaf's accumulator as the trace found it before the first store into it. */
export interface AccumulatorGuard {
  readonly tensor: Tensor<DType>;
  readonly field: AccumulatorField;
  readonly value: Tensor | null;
}

/** What a finished trace holds: the calls in order, the backend they ran on, the leaves' states. */
export interface Trace {
  readonly backend: Backend;
  readonly calls: readonly TracedCall[];
  readonly guards: readonly AccumulatorGuard[];
  /** Storage allocated while tracing (the program's own buffers; everything else is outside). */
  readonly allocated: ReadonlySet<AnyStorage>;
  /** Storage that host steps read or write (invisible to rewrites of kernel arguments). */
  readonly hostTouched: ReadonlySet<AnyStorage>;
  /** Copies a rewrite may remove by writing their source's producer straight into the target. */
  readonly elidableCopies: ReadonlySet<KernelCall>;
}

interface ActiveTrace {
  readonly backend: Backend;
  readonly calls: TracedCall[];
  /** Storage of every typed array handed out by `Tensor.kernelData` (and `data`) during the trace. */
  readonly storageOf: Map<ArrayBufferView, AnyStorage>;
  /** The ArrayBuffers behind those arrays: another view of one of them is backend memory. */
  readonly buffers: Set<ArrayBufferLike>;
  readonly guards: AccumulatorGuard[];
  /** Leaves whose accumulator the traced code assigned itself (replays assign it too). */
  readonly assigned: Set<Tensor<DType>>;
  readonly allocated: Set<AnyStorage>;
  readonly hostTouched: Set<AnyStorage>;
  readonly elidableCopies: Set<KernelCall>;
  /** True while a host step runs (its `.data` reads go to hostTouched). */
  inHostStep: boolean;
}

let active: ActiveTrace | null = null;

/** Whether a trace is being recorded (ops that must know, e.g. random ones, ask). */
export function isTracing(): boolean {
  return active !== null;
}

/**
 * Runs `fn` now and, while tracing, records it to run again at every replay. For work that is
 * not a kernel call: filling a dropout mask from a generator, attaching a gradient to its leaf.
 * `fn` must read tensor memory through `Tensor.data` when it runs (never a view kept from before).
 */
export function hostStep(fn: () => void): void {
  if (!active) {
    fn();
    return;
  }
  active.inHostStep = true;
  try {
    fn();
  } finally {
    active.inHostStep = false;
  }
  active.calls.push({ kind: 'host', run: fn });
}

/**
 * Marks the kernel call just recorded (a whole-buffer `copy`) as one a compiled program may
 * remove, by making the kernels that produced its source write into its target instead (the
 * copy of a fresh gradient into `.grad`).
 */
export function markLastCopyElidable(): void {
  if (!active) return;
  const last = active.calls[active.calls.length - 1];
  if (last?.kind === 'kernel' && last.kernel === 'copy') active.elidableCopies.add(last);
}

/**
 * Called by a backward pass just before it stores into `tensor[field]`: while tracing, the
 * first state of each leaf's accumulator is kept, so a replay runs only when it is the same
 * (a gradient set at trace time must not be added to at replay, nor the reverse).
 */
export function noteAccumulatorStore(tensor: Tensor<DType>, field: AccumulatorField): void {
  if (!active || active.assigned.has(tensor)) return;
  for (const guard of active.guards) if (guard.tensor === tensor && guard.field === field) return;
  active.guards.push({ tensor, field, value: tensor[field] });
}

/** Records every kernel call `fn` makes on the current backend. Traces do not nest. */
export function recordTrace<T>(fn: () => T): { result: T; trace: Trace } {
  if (active) throw new Error('compile: a compiled function cannot be traced inside another trace');
  const backend = getBackend();
  const trace: ActiveTrace = {
    backend,
    calls: [],
    storageOf: new Map(),
    buffers: new Set(),
    guards: [],
    assigned: new Set(),
    allocated: new Set(),
    hostTouched: new Set(),
    elidableCopies: new Set(),
    inHostStep: false,
  };
  active = trace;
  setTraceBackend(recordingBackend(backend, trace));
  setTraceObserver({
    data(storage, data) {
      trace.storageOf.set(data, storage);
      trace.buffers.add(data.buffer);
      if (trace.inHostStep) trace.hostTouched.add(storage);
    },
    assignAccumulator(tensor, field, _value, assign) {
      // Before any store the trace guards, the traced code decides the state itself.
      if (!trace.guards.some((guard) => guard.tensor === tensor && guard.field === field)) {
        trace.assigned.add(tensor);
      }
      hostStep(assign);
    },
  });
  try {
    const result = fn();
    return {
      result,
      trace: {
        backend,
        calls: trace.calls,
        guards: trace.guards,
        allocated: trace.allocated,
        hostTouched: trace.hostTouched,
        elidableCopies: trace.elidableCopies,
      },
    };
  } finally {
    active = null;
    setTraceBackend(null);
    setTraceObserver(null);
  }
}

function isTypedArray(value: unknown): value is ArrayBufferView {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** A backend that runs each kernel of `backend` and appends the call to `trace`. */
function recordingBackend(backend: Backend, trace: ActiveTrace): Backend {
  const recording: Record<string, unknown> = { ...backend };
  recording.allocate = (length: number) => {
    const storage = backend.allocate(length);
    trace.allocated.add(storage);
    return storage;
  };
  for (const key of Object.keys(backend) as (keyof Backend)[]) {
    const member = backend[key];
    if (typeof member !== 'function' || key === 'allocate') continue;
    const kernel = key as keyof BackendKernels;
    recording[kernel] = (args: Record<string, unknown>) => {
      trace.calls.push(recordCall(kernel, args, trace));
      (member as (args: unknown) => void).call(backend, args);
    };
  }
  return recording as unknown as Backend;
}

function recordCall(
  kernel: keyof BackendKernels,
  args: Record<string, unknown>,
  trace: ActiveTrace,
): KernelCall {
  const copy: Record<string, unknown> = { ...args };
  const fields: StorageField[] = [];
  for (const [key, value] of Object.entries(copy)) {
    if (!isTypedArray(value)) continue;
    const storage = trace.storageOf.get(value);
    if (storage) {
      fields.push({ key, storage });
    } else if (trace.buffers.has(value.buffer)) {
      // A view of backend memory that did not come from a tensor (a subarray, a cached view):
      // it could be detached or moved by the time of a replay.
      throw new Error(
        `compile: kernel ${kernel} got argument "${key}" as a view of backend memory that is not a tensor's data; ops must pass tensor.kernelData (or a private array) to kernels`,
      );
    }
    // Otherwise a private JavaScript array of the op (a connection table, argmax indices, a
    // constant): it is replayed as the same array.
  }
  return { kind: 'kernel', kernel, args: copy, fields };
}
