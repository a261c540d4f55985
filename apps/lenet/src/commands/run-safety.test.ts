// `lenet train` never loses or silently replaces a run: folders holding a run, locks, resume
// from the newest intact checkpoint, settings a resume may not change, bad --out paths.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { main } from '../main.js';
import { LOCK_FILE } from '../run-folder.js';
import { loadTrainedModel } from '../training/trained-model.js';

let workDir: string;
async function run(...argv: string[]) {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}
// About a second: 100 images, one pass of Adam in batches of 32 on one thread.
const TINY = [
  '--model',
  'lenet5-modern',
  '--train-size',
  '100',
  '--test-size',
  '50',
  '--threads',
  '1',
  '--schedule',
  'constant',
];

let finished: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'lenet-safety-'));
  finished = join(workDir, 'finished');
  const result = await run('train', ...TINY, '--epochs', '2', '--out', finished);
  expect(result.err).toBe('');
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function copyRun(name: string): Promise<string> {
  const copy = join(workDir, name);
  await mkdir(join(copy, 'checkpoints'), { recursive: true });
  for (const file of ['settings.json', 'model.safetensors', 'metrics.jsonl']) {
    await copyFile(join(finished, file), join(copy, file));
  }
  for (const file of await readdir(join(finished, 'checkpoints'))) {
    await copyFile(join(finished, 'checkpoints', file), join(copy, 'checkpoints', file));
  }
  return copy;
}

describe('a folder holding a run', () => {
  it('is refused without --resume or --force, and left as it was', async () => {
    const before = await readFile(join(finished, 'model.safetensors'));
    const { code, err } = await run('train', ...TINY, '--seed', '9', '--out', finished);
    expect(code).toBe(1);
    expect(err).toContain(
      `--out ${finished} holds a run (settings.json, model.safetensors, checkpoints, metrics.jsonl); add --resume to continue it, --force to replace it`,
    );
    expect(Buffer.compare(await readFile(join(finished, 'model.safetensors')), before)).toBe(0);
  });

  it('is replaced with --force', async () => {
    const copy = await copyRun('forced');
    const { code, out } = await run(
      'train',
      ...TINY,
      '--epochs',
      '1',
      '--seed',
      '9',
      '--force',
      '--out',
      copy,
    );
    expect(code).toBe(0);
    expect(out).toMatch(/after 1 pass, /);
    expect(JSON.parse(await readFile(join(copy, 'settings.json'), 'utf8')).seed).toBe(9);
    expect((await readFile(join(copy, 'metrics.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(
      1,
    );
  });

  it('records the thread count in settings.json', async () => {
    expect(JSON.parse(await readFile(join(finished, 'settings.json'), 'utf8')).threads).toBe(1);
  });
});

describe('the run lock', () => {
  it('refuses a second run, naming the holder, and takes over the lock of a dead process', async () => {
    const folder = join(workDir, 'locked');
    await mkdir(folder);
    // A live process that is not us holds the lock.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await writeFile(join(folder, LOCK_FILE), JSON.stringify({ pid: holder.pid }));
      const refused = await run('train', ...TINY, '--epochs', '1', '--out', folder);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain(`${folder} is in use by another run (pid ${holder.pid}`);
    } finally {
      holder.kill('SIGKILL');
    }
    await new Promise((resolve) => holder.once('exit', resolve));
    const taken = await run('train', ...TINY, '--epochs', '1', '--out', folder);
    expect(taken.err).toBe('');
    expect(taken.code).toBe(0);
    expect(await readdir(folder)).not.toContain(LOCK_FILE);
  });

  it('two runs started together in one process: one trains, the other is refused', async () => {
    const folder = join(workDir, 'together');
    const results = await Promise.all([
      run('train', ...TINY, '--epochs', '1', '--out', folder),
      run('train', ...TINY, '--epochs', '1', '--out', folder),
    ]);
    expect(results.map((result) => result.code).sort()).toEqual([0, 1]);
    expect(results.find((result) => result.code === 1)?.err).toContain(
      `${folder} is in use by another run (pid ${process.pid}`,
    );
  });

  it('cleans the temporary files a killed run left behind', async () => {
    const copy = await copyRun('leftovers');
    const leftovers = [
      join(copy, 'checkpoints', 'checkpoint-last.safetensors.2241562276'),
      join(copy, 'checkpoints', 'checkpoint-last.safetensors.999999999.0123456789ab.tmp'),
      join(copy, 'metrics.jsonl.999999999.0123456789ab.tmp'),
    ];
    for (const path of leftovers) await writeFile(path, 'partial');
    const { code, out } = await run('train', '--resume', '--epochs', '3', '--out', copy);
    expect(code).toBe(0);
    expect(out).toContain(`removed 3 temporary file(s) a stopped run left in ${copy}`);
    expect(await readdir(join(copy, 'checkpoints'))).toEqual([
      'checkpoint-best.safetensors',
      'checkpoint-last.safetensors',
    ]);
  });
});

describe('--resume', () => {
  it('falls back from a damaged last checkpoint to best, naming both', async () => {
    const copy = await copyRun('fallback');
    const last = join(copy, 'checkpoints', 'checkpoint-last.safetensors');
    const bytes = await readFile(last);
    await writeFile(last, bytes.subarray(0, bytes.length >> 1)); // a truncated file
    const { code, out } = await run('train', '--resume', '--out', copy);
    expect(code).toBe(0);
    expect(out).toMatch(
      new RegExp(
        `${last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(.*\\): resuming from .*checkpoint-best\\.safetensors \\(pass [12]\\) instead`,
      ),
    );
  });

  it('refuses when no checkpoint is intact', async () => {
    const copy = await copyRun('no-checkpoint');
    await rm(join(copy, 'checkpoints', 'checkpoint-last.safetensors'));
    await writeFile(join(copy, 'checkpoints', 'checkpoint-best.safetensors'), 'garbage');
    const { code, err } = await run('train', '--resume', '--out', copy);
    expect(code).toBe(1);
    expect(err).toContain('--resume: no intact checkpoint to resume from: ');
    expect(err).toContain('checkpoint-last.safetensors is missing');
    expect(err).toContain('checkpoint-best.safetensors is damaged');
  });

  it.each([
    [['--lr', '0.5'], '--lr 0.5 contradicts'],
    [['--model', 'lenet1'], '--model lenet1 contradicts'],
    [['--threads', '2'], '--threads 2 contradicts'],
    [['--epochs', '1'], '--epochs 1 is smaller than the run'],
  ])('rejects %j, which contradicts settings.json', async (flags, message) => {
    const { code, err } = await run('train', '--resume', ...flags, '--out', finished);
    expect(code).toBe(1);
    expect(err).toContain(message);
  });

  it('names settings.json when it is not valid JSON', async () => {
    const copy = await copyRun('bad-settings');
    await writeFile(join(copy, 'settings.json'), '{ model: 1 }');
    const { code, err } = await run('train', '--resume', '--out', copy);
    expect(code).toBe(1);
    expect(err).toContain(`${join(copy, 'settings.json')} is not valid JSON`);
  });
});

describe('bad --out and --model paths', () => {
  it.each([
    [[''], '--out is empty; expected a folder'],
    [['FILE'], 'is a file; expected a folder'],
    [['FILE/sub'], 'is a file, not a folder'],
    [['/proc/lenet-x/y'], 'cannot create the folder /proc/lenet-x'],
  ])('train --out %j is refused with a clear message', async ([out], message) => {
    const file = join(workDir, 'a-file');
    await writeFile(file, 'x');
    const path = out.replace('FILE', file);
    const { code, err } = await run('train', ...TINY, '--out', path);
    expect(code).toBe(1);
    expect(err).toContain(message);
  });

  it('names the model file when its settings metadata is not valid JSON', async () => {
    const copy = await copyRun('bad-metadata');
    const { model } = await loadTrainedModel(copy);
    const { encodeSafetensors } = await import('@lenet/nn-layers');
    await writeFile(
      join(copy, 'model.safetensors'),
      encodeSafetensors(model.stateDict(), { 'lenet.settings': '{ model: 1 }' }),
    );
    const { code, err } = await run('eval', '--model', copy);
    expect(code).toBe(1);
    expect(err).toContain(
      `${join(copy, 'model.safetensors')}'s lenet.settings metadata is not valid JSON (Expected property name`,
    );
  });

  it('eval --model naming a file says a folder is expected; NaN weights are refused by name', async () => {
    const file = join(finished, 'model.safetensors');
    const asFile = await run('eval', '--model', file);
    expect(asFile.err).toContain(`--model ${file} is a file; expected the folder`);
    const copy = await copyRun('nan');
    const { model, settings } = await loadTrainedModel(copy);
    const { saveTrainedModel } = await import('../training/trained-model.js');
    model.parameters()[2].data[5] = Number.NaN;
    await saveTrainedModel(copy, model, settings);
    for (const command of ['eval', 'predict']) {
      const args = command === 'predict' ? [join(copy, 'x.png')] : [];
      const { code, err } = await run(command, '--model', copy, ...args);
      expect(code).toBe(1);
      expect(err).toMatch(/model\.safetensors: tensor ".*" holds NaN at index 5/);
    }
  });
});
