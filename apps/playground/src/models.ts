/**
 * The model the Draw page shows: the LeNet-5 shipped with the site, or the one just trained
 * on the Train page (handed over as a safetensors file, the same format the CLI writes).
 */
import type { Sequential } from '@lenet/nn-layers';
import { ensureBackend, modelFromSafetensors } from './network.js';

export type ModelChoice = 'shipped' | 'trained';

export interface LoadedModel {
  choice: ModelChoice;
  model: Sequential;
  /** Zoo name, e.g. 'lenet5' or 'mlp-300'. */
  name: string;
  description: string;
}

/** What scripts/train-model.ts writes beside the weights. */
export interface ShippedMetrics {
  model: string;
  settings: Record<string, unknown>;
  history: { epoch: number; testError?: number; trainLoss: number; imagesPerSecond: number }[];
  testError: number;
  testErrors: number;
  testCount: number;
  perClassError: number[];
  confusion: number[][];
  misclassified: { index: number; label: number; predicted: number }[];
}

export const SHIPPED_WEIGHTS = 'models/lenet5.safetensors';
export const SHIPPED_METRICS = 'models/lenet5.json';

export class ModelStore {
  private shippedModel: Promise<LoadedModel> | null = null;
  private metrics: Promise<ShippedMetrics> | null = null;
  private trained: LoadedModel | null = null;
  private listeners = new Set<() => void>();
  choice: ModelChoice = 'shipped';

  /** The shipped LeNet-5, fetched once. */
  shipped(): Promise<LoadedModel> {
    this.shippedModel ??= (async () => {
      await ensureBackend();
      const response = await fetch(new URL(SHIPPED_WEIGHTS, document.baseURI));
      if (!response.ok) throw new Error(`${SHIPPED_WEIGHTS}: HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      return {
        choice: 'shipped' as const,
        model: modelFromSafetensors('lenet5', bytes),
        name: 'lenet5',
        description: 'LeNet-5 shipped with the site',
      };
    })();
    return this.shippedModel;
  }

  shippedMetrics(): Promise<ShippedMetrics> {
    this.metrics ??= fetch(new URL(SHIPPED_METRICS, document.baseURI)).then((response) => {
      if (!response.ok) throw new Error(`${SHIPPED_METRICS}: HTTP ${response.status}`);
      return response.json() as Promise<ShippedMetrics>;
    });
    return this.metrics;
  }

  get hasTrained(): boolean {
    return this.trained !== null;
  }

  /** Takes weights from the Train page and switches Draw to them. */
  async setTrained(name: string, weights: Uint8Array, description: string): Promise<void> {
    await ensureBackend();
    this.trained = {
      choice: 'trained',
      model: modelFromSafetensors(name, weights),
      name,
      description,
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
