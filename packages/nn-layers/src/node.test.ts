import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad } from '@lenet/tensor';
import { injectWriteFault } from '@lenet/tensor/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Linear } from './layers/linear.js';
import { lenet5, mlp } from './models.js';
import { CONFIG_FILE, loadModel, saveModel, WEIGHTS_FILE, writeFileAtomic } from './node.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { randomInput } from './testing/helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nn-layers-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveModel on a short-writing or full disk', () => {
  it('loops over short writes: the model loads back whole', async () => {
    const restore = injectWriteFault({ kind: 'short', chunkBytes: 999 });
    try {
      await saveModel(dir, lenet5({ seed: 3 }));
    } finally {
      restore();
    }
    const { model } = await loadModel(dir);
    expect(Array.from(model.parameters()[0].data)).toEqual(
      Array.from(lenet5({ seed: 3 }).parameters()[0].data),
    );
  });

  it.each(['enospc', 'zero'] as const)(
    'a full disk (%s) keeps the previous model',
    async (kind) => {
      await saveModel(dir, lenet5({ seed: 1 }));
      const previous = await readFile(join(dir, WEIGHTS_FILE));
      const restore = injectWriteFault({ kind, capacityBytes: 20_000 });
      await expect(saveModel(dir, lenet5({ seed: 2 })))
        .rejects.toThrow(/could not write .*weights\.safetensors .*no space left/i)
        .finally(restore);
      expect(Buffer.compare(await readFile(join(dir, WEIGHTS_FILE)), previous)).toBe(0);
      expect((await readdir(dir)).sort()).toEqual([CONFIG_FILE, WEIGHTS_FILE]);
    },
  );
});

describe('writeFileAtomic (re-exported)', () => {
  it('names the file when its folder is missing and leaves nothing behind', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'a.bin'), 'x')).rejects.toThrow(
      /missing\/a\.bin \(ENOENT/,
    );
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('saveModel / loadModel', () => {
  it('round-trips LeNet-5: same config, same weights, same outputs, no temporary files left', async () => {
    const model = lenet5({ seed: 4 });
    model.parameters()[0].data[0] = 0.123; // a trained value, not the seed's
    await saveModel(join(dir, 'lenet5'), model);
    expect((await readdir(join(dir, 'lenet5'))).sort()).toEqual([CONFIG_FILE, WEIGHTS_FILE]);
    const config = JSON.parse(await readFile(join(dir, 'lenet5', CONFIG_FILE), 'utf8'));
    expect(config).toEqual({
      format: 'lenet-model',
      version: 1,
      model: 'lenet5',
      options: { seed: 4 },
    });

    const { model: loaded } = await loadModel(join(dir, 'lenet5'));
    expect(loaded.parameters()[0].data[0]).toBeAllclose(0.123);
    const input = randomInput([2, 1, 32, 32], 5);
    const expected = noGrad(() => model.forward(input)).data.slice();
    expect(noGrad(() => loaded.forward(input)).data).toBeAllclose(expected, { rtol: 0, atol: 0 });

    const file = decodeSafetensors(
      new Uint8Array(await readFile(join(dir, 'lenet5', WEIGHTS_FILE))),
    );
    expect(file.metadata).toEqual({ format: 'lenet', model: 'lenet5' });
    expect(file.tensors.get('c3.weight')!.shape).toEqual([16, 6, 5, 5]);
    expect(file.tensors.get('output.centers')!.shape).toEqual([10, 84]);
  });

  it('overwrites an existing save', async () => {
    await saveModel(dir, mlp([4, 3, 2], { seed: 1 }));
    await saveModel(dir, mlp([4, 3, 2], { seed: 2 }));
    const { model } = await loadModel(dir);
    expect(Array.from(model.parameters()[0].data)).toEqual(
      Array.from(mlp([4, 3, 2], { seed: 2 }).parameters()[0].data),
    );
  });

  it('needs a config for a hand-built module', async () => {
    await expect(saveModel(dir, new Linear(2, 2))).rejects.toThrow(/has no config/);
    await saveModel(dir, new Linear(2, 2), { name: 'mlp', options: { sizes: [2, 2] } });
    await expect(loadModel(dir)).rejects.toThrow(
      /missing: fc1.weight, fc1.bias; unexpected: weight, bias/,
    );
  });

  it('reports a bad config, an unknown model, and weights the model does not have', async () => {
    await writeFile(join(dir, CONFIG_FILE), '{ not json');
    await expect(loadModel(dir)).rejects.toThrow(/config.json is not valid JSON/);
    await writeFile(join(dir, CONFIG_FILE), JSON.stringify({ format: 'other' }));
    await expect(loadModel(dir)).rejects.toThrow(/must be \{ "format": "lenet-model"/);
    await writeFile(
      join(dir, CONFIG_FILE),
      JSON.stringify({ format: 'lenet-model', version: 1, model: 'lenet9', options: {} }),
    );
    await expect(loadModel(dir)).rejects.toThrow(/unknown model "lenet9"/);

    await saveModel(dir, mlp([3, 2]));
    const state = mlp([3, 2]).stateDict();
    state.set('fc9.weight', { shape: [1], data: new Float32Array(1) });
    await writeFile(join(dir, WEIGHTS_FILE), encodeSafetensors(state));
    await expect(loadModel(dir)).rejects.toThrow(/weights\.safetensors: .*unexpected: fc9\.weight/);
    await writeFile(join(dir, WEIGHTS_FILE), new Uint8Array([1, 2, 3]));
    await expect(loadModel(dir)).rejects.toThrow(/too short/);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'refuses weights holding %s, naming the file and the tensor',
    async (bad) => {
      const model = mlp([3, 2], { seed: 1 });
      await saveModel(dir, model);
      const state = model.stateDict();
      state.get('fc1.bias')!.data[1] = bad;
      await writeFile(join(dir, WEIGHTS_FILE), encodeSafetensors(state));
      await expect(loadModel(dir)).rejects.toThrow(
        new RegExp(
          `weights\\.safetensors: weights: tensor "fc1\\.bias" holds ${bad} at index 1 of 2`,
        ),
      );
    },
  );
});
