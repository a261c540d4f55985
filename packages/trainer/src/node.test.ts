import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { injectWriteFault } from '@lenet/tensor/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { NonFiniteLossError } from './fit.js';
import {
  checkpointPath,
  fileCheckpointStore,
  fit,
  loadCheckpointFile,
  writeFileAtomic,
} from './node.js';
import { SGD } from './sgd.js';
import {
  asModel,
  blobs,
  poisonedRead,
  SoftmaxRegression,
} from './test-support/softmax-regression.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'lenet-trainer-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('files', () => {
  it('writeFileAtomic (re-exported) names the file and leaves no temporary behind', async () => {
    const path = join(directory, 'missing-dir', 'a.bin');
    await expect(writeFileAtomic(path, new Uint8Array([1]))).rejects.toThrow(
      /could not write .*missing-dir\/a\.bin \(ENOENT/,
    );
    expect(await readdir(directory)).toEqual([]);
  });

  it('loadCheckpointFile names the file of a truncated checkpoint or one holding NaN', async () => {
    const model = new SoftmaxRegression(1);
    await fit(asModel(model), {
      train: blobs(20, 1),
      loss: model.loss,
      optimizer: new SGD(model.parameters(), { learningRate: 0.05 }),
      epochs: 1,
      batchSize: 4,
      checkpointDir: directory,
    });
    const path = checkpointPath(directory, 'last');
    const whole = new Uint8Array(await readFile(path));
    await writeFile(path, whole.subarray(0, whole.length - 8));
    await expect(loadCheckpointFile(path)).rejects.toThrow(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: safetensors: `),
    );
    const checkpoint = decodeCheckpoint(whole);
    checkpoint.model.get('weight')!.data[2] = Number.NaN;
    await writeFile(path, encodeCheckpoint(checkpoint));
    await expect(loadCheckpointFile(path)).rejects.toThrow(
      /checkpoint-last\.safetensors: tensor "model\/weight" holds NaN at index 2/,
    );
  });

  it.each(['enospc', 'zero'] as const)(
    'a full disk (%s) keeps the previous checkpoint whole',
    async (kind) => {
      const model = new SoftmaxRegression(1);
      const options = {
        train: blobs(20, 1),
        loss: model.loss,
        optimizer: new SGD(model.parameters(), { learningRate: 0.05 }),
        batchSize: 4,
        checkpointDir: directory,
      };
      await fit(asModel(model), { ...options, epochs: 1 });
      const path = checkpointPath(directory, 'last');
      const previous = await readFile(path);
      const previousBest = await readFile(checkpointPath(directory, 'best'));
      const restore = injectWriteFault({ kind, capacityBytes: 100 });
      await expect(fit(asModel(model), { ...options, epochs: 2, resume: true }))
        .rejects.toThrow(/could not write .*checkpoint-(best|last)\.safetensors .*no space left/i)
        .finally(restore);
      expect(Buffer.compare(await readFile(path), previous)).toBe(0);
      expect(Buffer.compare(await readFile(checkpointPath(directory, 'best')), previousBest)).toBe(
        0,
      );
      expect((await readdir(directory)).sort()).toEqual([
        'checkpoint-best.safetensors',
        'checkpoint-last.safetensors',
      ]);
      expect((await loadCheckpointFile(path))?.epoch).toBe(1);
    },
  );

  it('loadCheckpointFile: a missing file is null only when allowed', async () => {
    const path = join(directory, 'nope.safetensors');
    expect(await loadCheckpointFile(path, { missingOk: true })).toBeNull();
    await expect(loadCheckpointFile(path)).rejects.toThrow(/ENOENT/);
  });
});

describe('fit with checkpointDir', () => {
  const train = blobs(60, 1);
  const test = blobs(30, 2);

  it('writes last and best every pass, resumable from the directory', async () => {
    // What a killed writer leaves (ours, and write-file-atomic's) is removed at the start.
    await writeFile(join(directory, 'checkpoint-last.safetensors.999999999.0123456789ab.tmp'), 'x');
    await writeFile(join(directory, 'checkpoint-last.safetensors.2241562276'), 'x');
    const model = new SoftmaxRegression(1);
    const result = await fit(asModel(model), {
      train,
      test,
      monitor: 'testError',
      loss: model.loss,
      optimizer: new SGD(model.parameters(), { learningRate: 0.05 }),
      epochs: 2,
      batchSize: 4,
      checkpointDir: directory,
      extra: { command: 'test' },
    });
    expect((await readdir(directory)).sort()).toEqual([
      'checkpoint-best.safetensors',
      'checkpoint-last.safetensors',
    ]);
    const last = await fileCheckpointStore(directory).load('last');
    expect(last?.epoch).toBe(2);
    expect(last?.extra).toEqual({ command: 'test' });
    expect(last?.history).toEqual(result.history);
    expect(last?.model.get('weight')?.data).toEqual(model.weight.data);
  });

  it('a NaN loss leaves the last good checkpoint file byte for byte', async () => {
    const model = new SoftmaxRegression(1);
    const options = {
      // Batch 3 of pass 2: pass 1 reads all 60 samples, then 2 batches of 4, then this one.
      train: poisonedRead(train, 60 + 2 * 4 + 1),
      loss: model.loss,
      optimizer: new SGD(model.parameters(), { learningRate: 0.05 }),
      epochs: 3,
      batchSize: 4, // 15 batches per pass
      checkpointDir: directory,
    };
    await expect(fit(asModel(model), options)).rejects.toThrow(
      /loss became NaN at pass 2, batch 3 of 15/,
    );
    const before = await readFile(checkpointPath(directory, 'last'));
    expect((await loadCheckpointFile(checkpointPath(directory, 'last')))?.epoch).toBe(1);
    // Resuming repeats the failure at the same place, and the file is still the same bytes.
    const resumed = { ...options, train: poisonedRead(train, 2 * 4 + 1), resume: true };
    const error = await fit(asModel(model), resumed).catch((e) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(error.epoch).toBe(2);
    expect(Buffer.compare(await readFile(checkpointPath(directory, 'last')), before)).toBe(0);
  });

  it('refuses checkpointDir together with checkpoints', () => {
    const model = new SoftmaxRegression(1);
    expect(() =>
      fit(asModel(model), {
        train,
        loss: model.loss,
        optimizer: new SGD(model.parameters(), { learningRate: 0.05 }),
        epochs: 1,
        checkpointDir: directory,
        checkpoints: fileCheckpointStore(directory),
      }),
    ).toThrow(/checkpointDir or checkpoints, not both/);
  });
});
