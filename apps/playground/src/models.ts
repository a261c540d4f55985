/**
 * The model the Draw page shows: the LeNet-5 shipped with the site (trained by `lenet train`,
 * in the command line's own file format), or the one just trained on the Train page (handed
 * over in that same format).
 */
import type { Sequential } from '@lenet/nn-layers';
import { sync } from '@lenet/tensor';
import type { Calibration } from './confidence/calibration.js';
import type { ModelSettings } from './confidence/model-file.js';
import { type ComputeBackend, modelFromSafetensors, pageBackend } from './network.js';

export type ModelChoice = 'shipped' | 'trained';

export interface LoadedModel {
  choice: ModelChoice;
  model: Sequential;
  /** Zoo name, e.g. 'lenet5' or 'mlp-300'. */
  name: string;
  description: string;
  settings: ModelSettings;
  /** Measured for the shipped model (scripts/ship-model.ts); null for one trained here. */
  calibration: Calibration | null;
}

/** What scripts/ship-model.ts writes beside the weights. */
export interface ShippedMetrics {
  model: string;
  trainedBy: string;
  settings: Record<string, unknown>;
  history: { epoch: number; testError?: number; trainLoss: number; imagesPerSecond: number }[];
  testError: number;
  testErrors: number;
  testCount: number;
  perClassError: number[];
  confusion: number[][];
  misclassified: { index: number; label: number; predicted: number }[];
}

/** A `lenet train` output folder: `lenet predict --model public/models/lenet5` reads it. */
export const SHIPPED_WEIGHTS = 'models/lenet5/model.safetensors';
export const SHIPPED_METRICS = 'models/lenet5/metrics.json';
export const SHIPPED_CALIBRATION = 'models/lenet5/calibration.json';

async function fetchOk(path: string): Promise<Response> {
  const response = await fetch(new URL(path, document.baseURI));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response;
}

export class ModelStore {
  private shippedModel: Promise<LoadedModel> | null = null;
  private metrics: Promise<ShippedMetrics> | null = null;
  private trained: LoadedModel | null = null;
  private listeners = new Set<() => void>();
  choice: ModelChoice = 'shipped';

  /** The backend the page's models compute on. */
  backend(): Promise<ComputeBackend> {
    return pageBackend();
  }

  /** The shipped LeNet-5 and its calibration, fetched once. */
  shipped(): Promise<LoadedModel> {
    this.shippedModel ??= (async () => {
      const [, weights, calibration] = await Promise.all([
        pageBackend(),
        fetchOk(SHIPPED_WEIGHTS).then((response) => response.arrayBuffer()),
        fetchOk(SHIPPED_CALIBRATION).then((response) => response.json() as Promise<Calibration>),
      ]);
      const { model, settings } = modelFromSafetensors(new Uint8Array(weights), SHIPPED_WEIGHTS);
      // Read back once, so the pages can show the weights (on WebGPU they live on the GPU).
      await readableWeights(model);
      return {
        choice: 'shipped' as const,
        model,
        name: settings.model,
        description: 'LeNet-5 shipped with the site',
        settings,
        calibration,
      };
    })();
    return this.shippedModel;
  }

  shippedMetrics(): Promise<ShippedMetrics> {
    this.metrics ??= fetchOk(SHIPPED_METRICS).then(
      (response) => response.json() as Promise<ShippedMetrics>,
    );
    return this.metrics;
  }

  get hasTrained(): boolean {
    return this.trained !== null;
  }

  /** Takes weights from the Train page and switches Draw to them. */
  async setTrained(weights: Uint8Array, description: string): Promise<void> {
    await pageBackend();
    const { model, settings } = modelFromSafetensors(weights, 'the weights from the Train page');
    await readableWeights(model);
    this.trained = {
      choice: 'trained',
      model,
      name: settings.model,
      description,
      settings,
      calibration: null,
    };
    this.choice = 'trained';
    this.notify();
  }

  use(choice: ModelChoice): void {
    if (choice === 'trained' && !this.trained) return;
    this.choice = choice;
    this.notify();
  }

  current(): Promise<LoadedModel> {
    return this.choice === 'trained' && this.trained
      ? Promise.resolve(this.trained)
      : this.shipped();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Reads every weight and buffer back once (on WebGPU they live on the GPU), so pages can show them. */
async function readableWeights(model: Sequential): Promise<void> {
  await sync(...[...model.namedParameters(), ...model.namedBuffers()].map(([, tensor]) => tensor));
}
