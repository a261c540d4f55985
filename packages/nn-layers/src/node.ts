/**
 * Node-only model files (`@lenet/nn-layers/node`): a directory with `weights.safetensors`
 * (every parameter and buffer) and `config.json` (the registry name and options), both
 * written atomically (`@lenet/tensor/node`'s writeFileAtomic: complete or not at all), so `loadModel(dir)` rebuilds the module.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@lenet/tensor/node';
import { type ModelConfig, modelConfigOf } from './models.js';
import type { Module } from './module.js';
import { createModel } from './registry.js';
import { assertFiniteTensors, decodeSafetensors, encodeSafetensors } from './safetensors.js';

// Kept here for code that imported it from nn-layers; one implementation, in @lenet/tensor/node.
export { writeFileAtomic } from '@lenet/tensor/node';

export const WEIGHTS_FILE = 'weights.safetensors';
export const CONFIG_FILE = 'config.json';
const CONFIG_FORMAT = 'lenet-model';

/** config.json as written by `saveModel`. */
export interface ModelFileConfig {
  readonly format: typeof CONFIG_FORMAT;
  readonly version: 1;
  readonly model: string;
  readonly options: Record<string, unknown>;
}

/**
 * Saves `model` into `dir` (created if needed). `config` defaults to the one the zoo function
 * or `createModel` recorded; a hand-built module needs it given.
 */
export async function saveModel(dir: string, model: Module, config?: ModelConfig): Promise<void> {
  const resolved = config ?? modelConfigOf(model);
  if (!resolved) {
    throw new Error(
      'saveModel: the model has no config (build it with a zoo function or createModel, or pass { name, options })',
    );
  }
  await mkdir(dir, { recursive: true });
  const weights = encodeSafetensors(model.stateDict(), { format: 'lenet', model: resolved.name });
  const fileConfig: ModelFileConfig = {
    format: CONFIG_FORMAT,
    version: 1,
    model: resolved.name,
    options: { ...resolved.options },
  };
  await writeFileAtomic(join(dir, WEIGHTS_FILE), weights);
  await writeFileAtomic(join(dir, CONFIG_FILE), `${JSON.stringify(fileConfig, null, 2)}\n`);
}

/** Rebuilds the model saved in `dir` and loads its weights (strictly: names and shapes must match). */
export async function loadModel(dir: string): Promise<{ model: Module; config: ModelConfig }> {
  const configPath = join(dir, CONFIG_FILE);
  const weightsPath = join(dir, WEIGHTS_FILE);
  const config = parseConfig(await readFile(configPath, 'utf8'), configPath);
  const model = createModel(config);
  const bytes = await readFile(weightsPath);
  try {
    const { tensors } = decodeSafetensors(
      new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    );
    assertFiniteTensors(tensors, 'weights');
    model.loadStateDict(tensors);
  } catch (error) {
    throw new Error(`loadModel: ${weightsPath}: ${(error as Error).message}`, { cause: error });
  }
  return { model, config };
}

function parseConfig(text: string, path: string): ModelConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`loadModel: ${path} is not valid JSON (${(error as Error).message})`);
  }
  const config = value as Partial<ModelFileConfig> | null;
  if (
    config === null ||
    typeof config !== 'object' ||
    config.format !== CONFIG_FORMAT ||
    typeof config.model !== 'string' ||
    (config.options !== undefined &&
      (typeof config.options !== 'object' || config.options === null))
  ) {
    throw new Error(
      `loadModel: ${path} must be { "format": "${CONFIG_FORMAT}", "version": 1, "model": name, "options": {...} }`,
    );
  }
  return { name: config.model, options: config.options ?? {} };
}
