import { encodeSafetensors } from '@lenet/nn-layers';
import { describe, expect, it } from 'vitest';
import { readShippedSettings, settingsMetadata } from './model-file.js';

const weights = { w: { shape: [1], data: new Float32Array([1]) } };
const settings = {
  model: 'lenet5',
  loss: 'rbf-map',
  seed: 1,
  input: { normalization: 'paper', padding: 2 },
};

describe('readShippedSettings', () => {
  it('reads the settings `lenet train` writes and the tensors', () => {
    const bytes = encodeSafetensors(weights, settingsMetadata(settings));
    const read = readShippedSettings(bytes, 'model.safetensors');
    expect(read.settings).toEqual(settings);
    expect([...read.tensors.keys()]).toEqual(['w']);
  });

  it('refuses a file without them, naming the file and what is missing', () => {
    expect(() => readShippedSettings(encodeSafetensors(weights), 'old.safetensors')).toThrow(
      'old.safetensors: no lenet.settings metadata; not a model written by `lenet train`',
    );
  });

  it('refuses an unknown model or an input the site cannot draw', () => {
    const unknown = encodeSafetensors(weights, settingsMetadata({ ...settings, model: 'vgg' }));
    expect(() => readShippedSettings(unknown, 'f')).toThrow(
      /f: unknown model 'vgg'; expected one of/,
    );
    const input = { normalization: 'mean-std', padding: 2 };
    const other = encodeSafetensors(weights, settingsMetadata({ ...settings, input }));
    expect(() => readShippedSettings(other, 'f')).toThrow(/is not one the site draws/);
  });
});
