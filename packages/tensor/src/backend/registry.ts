// Which backends exist and which one ops run on: the registry and the default choice. Kept
// apart from the interface (backend.ts) so that the backends, which implement the interface,
// do not import the module that imports them.
import type { Backend, BackendKernels } from './backend.js';
import { referenceKernels } from './reference/reference-backend.js';
import { createWasmBackendSync } from './wasm/wasm-backend.js';

const registry = new Map<string, Backend>();

/**
 * Registers (or replaces) a backend under `name`. Kernels it does not provide fall back to
 * `reference`. Call it from the backend's own setup function, not as an import side effect.
 * Returns the complete backend.
 */
export function registerBackend(
  name: string,
  kernels: Partial<BackendKernels>,
  details: { variant?: string } = {},
): Backend {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError('registerBackend: name must be a non-empty string');
  }
  if (name === 'reference' && registry.has('reference')) {
    throw new Error('registerBackend: "reference" is the specification and cannot be replaced');
  }
  const ownKernels = (Object.keys(kernels) as (keyof BackendKernels)[]).filter((key) => {
    if (!(key in referenceKernels)) {
      throw new TypeError(
        `registerBackend(${name}): unknown kernel "${key}"; known: ${Object.keys(referenceKernels).join(', ')}`,
      );
    }
    return typeof kernels[key] === 'function';
  });
  const backend: Backend = { ...referenceKernels, ...kernels, name, ownKernels };
  if (details.variant !== undefined) Object.assign(backend, { variant: details.variant });
  registry.set(name, backend);
  if (current.name === name) current = backend;
  return backend;
}

let current: Backend = { ...referenceKernels, name: 'reference', ownKernels: [] };
current = registerBackend('reference', referenceKernels);

/**
 * The default backend, chosen at the first `getBackend()`: `wasm` where WebAssembly can be
 * instantiated synchronously (Node, workers; a browser page calls `await initWasmBackend()`),
 * else `reference`. The environment variable LENET_BACKEND names another default.
 */
function defaultBackend(): Backend {
  const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } })
    .process?.env;
  const requested = environment?.LENET_BACKEND || 'wasm';
  if (requested !== 'wasm') return setBackend(requested);
  try {
    return registerWasmBackendSync();
  } catch {
    return registry.get('reference')!;
  }
}

/** Instantiates the `wasm` backend synchronously and registers it. */
function registerWasmBackendSync(): Backend {
  const wasm = createWasmBackendSync();
  return registerBackend('wasm', wasm.kernels, { variant: wasm.variant });
}

let defaultChosen = false;

/** Makes the backend registered as `name` the one every following op uses. */
export function setBackend(name: string): Backend {
  if (traceBackend !== null) {
    throw new Error(`setBackend(${name}): cannot change the backend while compile is tracing`);
  }
  defaultChosen = true;
  if (name === 'wasm' && !registry.has('wasm')) registerWasmBackendSync();
  const backend = registry.get(name);
  if (!backend && name === 'webgpu') {
    throw new Error(
      'setBackend(webgpu): the webgpu backend is set up asynchronously; call `await initWebGpuBackend()` (in Node `await initWebGpuBackendNode()` from @lenet/tensor/node) first',
    );
  }
  if (!backend) {
    throw new Error(
      `setBackend: no backend named "${name}"; registered: ${[...registry.keys()].join(', ')}`,
    );
  }
  current = backend;
  return backend;
}

/** While `compile` records a trace: the recording wrapper of the current backend. */
let traceBackend: Backend | null = null;

/** @internal Used by `compile` (src/compile/trace.ts) to record kernel calls; null ends it. */
export function setTraceBackend(backend: Backend | null): void {
  traceBackend = backend;
}

/** The backend ops currently run on. */
export function getBackend(): Backend {
  if (traceBackend !== null) return traceBackend;
  if (!defaultChosen) {
    defaultChosen = true;
    current = defaultBackend();
  }
  return current;
}

/** The registered backend called `name`, or undefined. */
export function findBackend(name: string): Backend | undefined {
  return registry.get(name);
}

/** Names of all registered backends, `reference` first. */
export function backendNames(): string[] {
  return [...registry.keys()];
}
