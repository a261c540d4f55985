/**
 * One forward pass with every layer's output kept, for the Draw page. Works for any
 * `Sequential` from the model zoo: LeNet-5 (RBF output: penalties, smaller is better) or a
 * model with a linear output (logits, larger is better).
 */
import { createModel, type Module, RBFOutput, type Sequential } from '@lenet/nn-layers';
import {
  backendNames,
  getBackend,
  initWasmBackend,
  initWebGpuBackend,
  noGrad,
  setBackend,
  sync,
  type Tensor,
  tensor,
  webGpuAvailable,
} from '@lenet/tensor';
import { type ModelSettings, readShippedSettings } from './confidence/model-file.js';

export interface LayerActivation {
  name: string;
  /** Shape without the batch dimension: [C, H, W] or [N]. */
  shape: number[];
  data: Float32Array;
}

export interface Prediction {
  digit: number;
  /** The ten raw outputs: RBF penalties (distance^2 to each code) or logits. */
  scores: number[];
  probabilities: number[];
  /** 'rbf': scores are penalties; 'logits': scores are logits. */
  output: 'rbf' | 'logits';
  /** Outputs of every layer in order (the input first). */
  layers: LayerActivation[];
  /** Time of the forward pass, ms. */
  milliseconds: number;
}

let backendReady: Promise<string> | null = null;

/** Starts the WebAssembly SIMD backend once (browsers refuse to compile it synchronously). */
export function ensureBackend(): Promise<string> {
  backendReady ??= initWasmBackend()
    .then((backend) => `${backend.name}${backend.variant ? ` (${backend.variant})` : ''}`)
    .catch((error) => {
      console.warn('WebAssembly backend unavailable, using the reference backend:', error);
      setBackend('reference');
      return getBackend().name;
    });
  return backendReady;
}

/** Where the page computes: WebGPU when the browser gives an adapter ('auto'), or as chosen. */
export type ComputeChoice = 'auto' | 'webgpu' | 'wasm';

/** The backend that runs, as the page's badge names it. */
export interface ComputeBackend {
  /** The `@lenet/tensor` backend: 'webgpu', 'wasm' or 'reference'. */
  readonly name: string;
  /** For people: "WebGPU (swiftshader)", "WebAssembly (simd)". */
  readonly label: string;
}

const LABELS: Record<string, string> = {
  webgpu: 'WebGPU',
  wasm: 'WebAssembly',
  reference: 'JavaScript',
};

function describeBackend(): ComputeBackend {
  const backend = getBackend();
  const label = LABELS[backend.name] ?? backend.name;
  return { name: backend.name, label: backend.variant ? `${label} (${backend.variant})` : label };
}

/**
 * Selects the backend for `choice`: 'auto' takes WebGPU when `navigator.gpu` gives an adapter,
 * else WebAssembly; 'webgpu' fails with the reason when WebGPU cannot start; 'wasm' falls back
 * to plain JavaScript where WebAssembly cannot start.
 */
export async function selectBackend(choice: ComputeChoice): Promise<ComputeBackend> {
  const gpu = choice === 'webgpu' || (choice === 'auto' && (await webGpuAvailable()));
  if (gpu) {
    await initWebGpuBackend();
    setBackend('webgpu');
  } else {
    await ensureBackend();
    setBackend(backendNames().includes('wasm') ? 'wasm' : 'reference');
  }
  return describeBackend();
}

/** Where the Train page's "Compute on" choice is kept for the page's own models (Draw). */
export const COMPUTE_KEY = 'lenet.compute';

/** The page's "Compute on" choice ('auto' unless the Train page set another). */
export function preferredCompute(): ComputeChoice {
  let stored: string | null = null;
  try {
    stored = globalThis.localStorage?.getItem(COMPUTE_KEY) ?? null;
  } catch {
    // Storage blocked (privacy settings): the default.
  }
  return stored === 'webgpu' || stored === 'wasm' ? stored : 'auto';
}

let pageBackendReady: Promise<ComputeBackend> | null = null;

/**
 * The backend of the page's own models (the Draw page), chosen once per page: models are built
 * on it, so it does not change under them. WebGPU that fails to start falls back to
 * WebAssembly, said on the console.
 */
export function pageBackend(): Promise<ComputeBackend> {
  pageBackendReady ??= selectBackend(preferredCompute()).catch((error) => {
    console.warn('WebGPU unavailable, computing on WebAssembly:', error);
    return selectBackend('wasm');
  });
  return pageBackendReady;
}

/** Softmax of `values` (times `sign`), computed stably. */
export function softmax(values: readonly number[], sign = 1): number[] {
  const scaled = values.map((value) => sign * value);
  const max = Math.max(...scaled);
  const exps = scaled.map((value) => Math.exp(value - max));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

/** The model's input side (32 for LeNet-5, 28 for LeNet-1 and MLPs). */
export function inputSize(model: Module): number {
  const shape = model.inputShape ?? [1, 32, 32];
  return shape.length === 3 ? shape[2] : Math.round(Math.sqrt(shape[0]));
}

/**
 * Runs `model` on one image (`input` of inputSize^2 values in the paper scale). On WebGPU every
 * layer's output comes back in one read.
 */
export async function predict(model: Sequential, input: Float32Array): Promise<Prediction> {
  const size = inputSize(model);
  const started = performance.now();
  const trace = noGrad(() => {
    model.eval();
    return model.forwardTrace(tensor(input, [1, 1, size, size]));
  });
  await sync(...trace);
  const names = ['input', ...model.namedChildren().map(([name]) => name)];
  const layers: LayerActivation[] = trace.map((value: Tensor, i) => ({
    name: names[i],
    shape: value.shape.slice(1),
    data: value.data as Float32Array,
  }));
  const scores = Array.from(layers[layers.length - 1].data);
  const output = model.layers[model.layers.length - 1] instanceof RBFOutput ? 'rbf' : 'logits';
  const probabilities = softmax(scores, output === 'rbf' ? -1 : 1);
  let digit = 0;
  for (let i = 1; i < scores.length; i++) {
    if (output === 'rbf' ? scores[i] < scores[digit] : scores[i] > scores[digit]) digit = i;
  }
  return {
    digit,
    scores,
    probabilities,
    output,
    layers,
    milliseconds: performance.now() - started,
  };
}

/**
 * A model from a file in the command line's format (safetensors with `lenet train`'s settings
 * in its metadata, see confidence/model-file.ts): the zoo network it names, with its weights.
 */
export function modelFromSafetensors(
  bytes: Uint8Array,
  where: string,
): { model: Sequential; settings: ModelSettings } {
  const { settings, tensors } = readShippedSettings(bytes, where);
  const model = createModel(settings.model) as Sequential;
  model.loadStateDict(tensors);
  return { model: model.eval(), settings };
}
