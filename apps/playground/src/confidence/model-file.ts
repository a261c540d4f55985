/**
 * One model format for the command line and the site: safetensors whose metadata key
 * `lenet.settings` holds the settings `lenet train` trained with (JSON). The settings name the
 * zoo model and its input format, which is all it takes to rebuild the network; `lenet
 * predict` and `lenet eval` read the same key (apps/lenet, trained-model.ts).
 */
import { decodeSafetensors, modelNames, type NamedTensorData } from '@lenet/nn-layers';

export const SETTINGS_KEY = 'lenet.settings';

/** The part of `lenet train`'s settings the site needs (the file holds all of them). */
export interface ModelSettings {
  model: string;
  loss: string;
  seed: number;
  /** How a 28x28 MNIST image becomes the input: the paper's scale, padded to 32 for LeNet-5. */
  input: { normalization: string; padding: number };
  [other: string]: unknown;
}

/** Reads and checks the settings of a model file; `where` names it in errors. */
export function readShippedSettings(
  bytes: Uint8Array,
  where: string,
): { settings: ModelSettings; tensors: Map<string, NamedTensorData> } {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const text = metadata[SETTINGS_KEY];
  if (!text) {
    throw new Error(
      `${where}: no ${SETTINGS_KEY} metadata; not a model written by \`lenet train\``,
    );
  }
  let settings: ModelSettings;
  try {
    settings = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: ${SETTINGS_KEY} is not JSON (${(error as Error).message})`);
  }
  if (!modelNames().includes(settings.model)) {
    throw new Error(
      `${where}: unknown model '${settings.model}'; expected one of ${modelNames().join(', ')}`,
    );
  }
  const { normalization, padding } = settings.input ?? {};
  if (normalization !== 'paper' || (padding !== 0 && padding !== 2)) {
    throw new Error(
      `${where}: input ${JSON.stringify(settings.input)} is not one the site draws (the paper's scale, padding 0 or 2)`,
    );
  }
  return { settings, tensors };
}

/** `lenet train`'s settings for a model trained on the Train page (so the CLI reads it too). */
export function settingsMetadata(settings: ModelSettings): Record<string, string> {
  return { [SETTINGS_KEY]: JSON.stringify(settings) };
}
