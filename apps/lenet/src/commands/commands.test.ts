// Every command end to end, in-process, on small subsets of the real MNIST.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDigitPng } from '../image/image-testing.js';
import { grayFromBytes } from '../image/mnist-digit.js';
import { memoryIo } from '../io.js';
import { main } from '../main.js';
import { mnistData } from '../training/mnist-data.js';
import { classifyDigits, loadTrainedModel } from '../training/trained-model.js';
import { sweepProgress } from './adder.js';

let workDir: string;
let modelDir: string;
let trainOutput: string;

async function run(...argv: string[]) {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'lenet-cli-'));
  modelDir = join(workDir, 'modern');
  // 2,000 images, 3 passes of Adam: about 10% test error in a few seconds.
  const result = await run(
    'train',
    '--model',
    'lenet5-modern',
    '--train-size',
    '2k',
    '--test-size',
    '500',
    '--epochs',
    '3',
    '--out',
    modelDir,
  );
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  trainOutput = result.out;
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('lenet train', () => {
  it('--recipe fast trains lenet5-modern with the batch for the threads and the warm-up cosine', async () => {
    const { code, out } = await run(
      'train',
      '--recipe',
      'fast',
      '--train-size',
      '1k',
      '--test-size',
      '200',
      '--epochs',
      '1',
      '--threads',
      '1',
      '--out',
      join(workDir, 'fast'),
    );
    expect(code).toBe(0);
    expect(out).toContain(
      'lenet train: lenet5-modern, loss cross-entropy, optimizer adam, warmup-cosine schedule from lr 0.0035',
    );
    expect(out).toContain('1 passes, batch size 64,');
    expect(out).toMatch(/Test error: [\d.]+% \(\d+ of 200 test images\) after 1 pass/);
  });

  it('prints the recipe, one line per pass and the final test error', () => {
    expect(trainOutput).toContain('lenet train: lenet5-modern, loss cross-entropy, optimizer adam');
    expect(trainOutput).toContain(
      'training images: 2000 (class-balanced sample); test images: 500',
    );
    expect(
      trainOutput.match(/^epoch \d\/3 \| lr .* \| test error .*% \| .* img\/s/gm),
    ).toHaveLength(3);
    const finalError = Number(
      /Test error: ([\d.]+)% \(\d+ of 500 test images\) after 3 passes/.exec(trainOutput)?.[1],
    );
    expect(finalError).toBeLessThan(20);
  });

  it('writes metrics.jsonl (one line per pass), the model, settings, result and the pictures', async () => {
    const metrics = (await readFile(join(modelDir, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(metrics.map((entry) => entry.epoch)).toEqual([1, 2, 3]);
    for (const entry of metrics) {
      expect(entry.trainLoss).toBeGreaterThan(0);
      expect(entry.testError).toBeGreaterThanOrEqual(0);
      expect(entry.imagesPerSecond).toBeGreaterThan(0);
    }
    const result = JSON.parse(await readFile(join(modelDir, 'result.json'), 'utf8'));
    expect(result.testCount).toBe(500);
    expect(result.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(500);
    for (const picture of ['curves.svg', 'loss.svg', 'confusion.svg', 'errors.svg']) {
      expect(await readFile(join(modelDir, picture), 'utf8')).toMatch(/^<svg xmlns/);
    }
    const gallery = await readFile(join(modelDir, 'errors.svg'), 'utf8');
    expect(gallery.match(/data:image\/png;base64/g)).toHaveLength(Math.min(result.testErrors, 120));
  });

  it('resumes a run from its last checkpoint and continues it exactly', async () => {
    // A constant schedule: a 1-pass run is then the first pass of a 2-pass run.
    const common = [
      '--model',
      'lenet5-modern',
      '--schedule',
      'constant',
      '--train-size',
      '300',
      '--test-size',
      '100',
      '--seed',
      '7',
    ];
    const straight = join(workDir, 'straight');
    const resumed = join(workDir, 'resumed');
    expect((await run('train', ...common, '--epochs', '2', '--out', straight)).code).toBe(0);
    expect((await run('train', ...common, '--epochs', '1', '--out', resumed)).code).toBe(0);
    const second = await run('train', '--resume', '--epochs', '2', '--out', resumed);
    expect(second.code).toBe(0);
    expect(second.out).toContain('resuming after pass 1 of 2');
    expect(second.out.match(/^epoch \d\/2 \|/gm)).toEqual(['epoch 2/2 |']);
    const weights = async (dir: string) => (await loadTrainedModel(dir)).model.stateDict();
    const [a, b] = [await weights(straight), await weights(resumed)];
    for (const [name, tensor] of a) expect(b.get(name)?.data).toEqual(tensor.data);
  });

  it('refuses to resume where there is nothing to resume', async () => {
    const { code, err } = await run('train', '--resume', '--out', join(workDir, 'empty'));
    expect(code).toBe(1);
    expect(err).toContain('--resume: nothing to resume in');
  });

  it('says which size is too large', async () => {
    const { code, err } = await run('train', '--train-size', '70k', '--out', join(workDir, 'big'));
    expect(code).toBe(1);
    expect(err).toBe(
      'lenet: error: --train-size 70000 is larger than the 60000 images available\n',
    );
  });
});

describe('lenet eval', () => {
  it('prints the test error, the per-class error and the confusion matrix', async () => {
    const { code, out } = await run(
      'eval',
      '--model',
      modelDir,
      '--test-size',
      '500',
      '--out',
      join(workDir, 'eval'),
    );
    expect(code).toBe(0);
    const result = JSON.parse(await readFile(join(modelDir, 'result.json'), 'utf8'));
    // Same weights, same 500 images: the same error as at the end of training.
    expect(out).toContain(
      `Test error: ${result.testError.toFixed(2)}% (${result.testErrors} of 500 test images)`,
    );
    expect(out).toMatch(/^\| class \| images \| errors \| +error \|$/m);
    expect(out).toMatch(/^\| true \\ predicted \| +0 \| +1 \|/m);
    expect(await readFile(join(workDir, 'eval', 'confusion.svg'), 'utf8')).toContain('<svg');
  });
});

describe('lenet predict', () => {
  it('recognizes real MNIST test digits drawn at other sizes, inverted, in RGB or with alpha', async () => {
    const { test } = await mnistData();
    const trained = await loadTrainedModel(modelDir);
    // Digits beyond the 500 used in training's evaluation, that the model gets right as 28x28.
    const candidates = Array.from({ length: 60 }, (_, i) => 1000 + i);
    const outputs = await classifyDigits(
      trained,
      candidates.map((index) => test.image(index)),
    );
    const chosen = candidates
      .filter((index, i) => outputs[i].predicted === test.label(index))
      .slice(0, 8);
    expect(chosen.length).toBe(8);
    const files: string[] = [];
    const expected: number[] = [];
    for (const index of chosen) {
      const ink = grayFromBytes(test.image(index), 28, 28);
      const variants = {
        big: renderDigitPng(ink, { width: 112, height: 112 }),
        inverted: renderDigitPng(ink, { width: 60, height: 84, darkOnLight: true }),
        rgb: renderDigitPng(ink, {
          width: 90,
          height: 90,
          format: 'rgb',
          darkOnLight: true,
          inkColor: [30, 30, 140],
        }),
        alpha: renderDigitPng(ink, { width: 56, height: 56, format: 'rgba', inkColor: [0, 0, 0] }),
      };
      for (const [name, png] of Object.entries(variants)) {
        const file = join(workDir, `digit-${index}-${name}.png`);
        await writeFile(file, png);
        files.push(file);
        expected.push(test.label(index));
      }
    }
    const { code, out } = await run('predict', '--model', modelDir, ...files);
    expect(code).toBe(0);
    const predicted = files.map((file) =>
      Number(new RegExp(`^${file}: (\\d)  p=`, 'm').exec(out)?.[1]),
    );
    const right = predicted.filter((digit, i) => digit === expected[i]).length;
    expect(right).toBeGreaterThanOrEqual(Math.ceil(0.9 * files.length));
    expect(out).toContain('(inverted: dark ink on light paper)');
    expect(out).toMatch(/^ {2}scores 0:\d\.\d{3} 1:\d\.\d{3} .* 9:\d\.\d{3}$/m);
  });

  it('classifies every readable file, names each bad one on its own line, exits 1 at the end', async () => {
    const png = renderDigitPng(grayFromBytes(new Uint8Array(784).fill(200), 28, 28));
    const { test } = await mnistData();
    const good = join(workDir, 'good.png');
    await writeFile(good, renderDigitPng(grayFromBytes(test.image(1000), 28, 28)));
    const text = join(workDir, 'note.png');
    await writeFile(text, 'not an image');
    const truncated = join(workDir, 'truncated.png');
    await writeFile(truncated, png.subarray(0, 30));
    const missing = join(workDir, 'missing.png');
    const blank = join(workDir, 'blank.png');
    await writeFile(blank, png);
    const damaged = join(workDir, 'damaged-crc.png');
    const flipped = renderDigitPng(grayFromBytes(test.image(1001), 28, 28));
    flipped[flipped.length - 20] ^= 0x01; // a bit in the last IDAT's data: its CRC no longer matches
    await writeFile(damaged, flipped);
    const result = await run(
      'predict',
      '--model',
      modelDir,
      text,
      good,
      truncated,
      missing,
      blank,
      damaged,
    );
    expect(result.code).toBe(1);
    expect(result.out).toMatch(new RegExp(`^${good}: \\d  p=`, 'm'));
    const lines = result.err.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(`lenet: ${text}: not a PNG file (expected the 8-byte PNG signature)`);
    expect(lines[1]).toMatch(new RegExp(`^lenet: ${truncated}: unreadable PNG: `));
    expect(lines[2]).toBe(`lenet: ${missing}: no such file`);
    expect(lines[3]).toBe(
      `lenet: ${blank}: no digit found: the 28x28 image has no contrast between ink and background`,
    );
    expect(lines[4]).toMatch(new RegExp(`^lenet: ${damaged}: unreadable PNG: .*CRC`, 'i'));
    expect(lines[5]).toBe('lenet: error: 5 of 6 images could not be classified (each named above)');
  });

  it('expands a folder to its PNG files and refuses a huge image before decoding it', async () => {
    const folder = join(workDir, 'digits');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder, { recursive: true });
    const { test } = await mnistData();
    for (const index of [1002, 1003]) {
      await writeFile(
        join(folder, `d${index}.png`),
        renderDigitPng(grayFromBytes(test.image(index), 28, 28)),
      );
    }
    await writeFile(join(folder, 'notes.txt'), 'skipped');
    const listed = await run('predict', '--model', modelDir, folder);
    expect(listed.code).toBe(0);
    expect(listed.out.match(/^\S+d100[23]\.png: \d {2}p=/gm)).toHaveLength(2);

    const { encode } = await import('fast-png');
    const huge = join(workDir, 'huge.png');
    await writeFile(
      huge,
      encode({
        width: 4100,
        height: 4100,
        data: new Uint8Array(4100 * 4100),
        channels: 1,
        depth: 8,
      }),
    );
    const started = performance.now();
    const refused = await run('predict', '--model', modelDir, huge);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(refused.err).toContain(
      `lenet: ${huge}: image too large: 4100x4100 is 16,810,000 pixels; predict reads images of up to 4,194,304 pixels`,
    );
  });
});

describe('lenet reproduce --quick', () => {
  it('trains the chosen rows and prints the markdown table next to the paper', async () => {
    const out = join(workDir, 'reproduce');
    const result = await run(
      'reproduce',
      '--quick',
      '--only',
      'lenet1,lenet5-affine',
      '--out',
      out,
    );
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^\| model +\| training +\| paper's test error \|/m);
    // LeNet-1 keeps its recipe (on-line SDLM); the distortion row trains LeNet-5 with Adam.
    expect(result.out).toMatch(
      /^\| LeNet-1 +\| sdlm, batch 1 +\| +1\.7% \| +[\d.]+% \(quick\) \| +500 \| +1 \| +\d+s \|$/m,
    );
    expect(result.out).toMatch(
      /^\| LeNet-5 \[dist\] +\| adam, batch 32 \| +0\.8% \| +[\d.]+% \(quick\) \|/m,
    );
    const settings = JSON.parse(
      await readFile(join(out, 'lenet5-affine', 'settings.json'), 'utf8'),
    );
    expect(settings).toMatchObject({ optimizer: 'adam', schedule: 'cosine', batchSize: 32 });
    expect(await readFile(join(out, 'table.md'), 'utf8')).toContain('| LeNet-1 ');
    expect(await readFile(join(out, 'lenet1', 'metrics.jsonl'), 'utf8')).toContain('"epoch":1');
  });
});

describe('lenet learning-curve', () => {
  it('trains on each size, prints E_train, E_test and the fit, and plots them', async () => {
    const out = join(workDir, 'curve');
    const result = await run(
      'learning-curve',
      '--model',
      'lenet5-modern',
      '--sizes',
      '200,400,800',
      '--epochs',
      '2',
      '--test-size',
      '300',
      '--out',
      out,
    );
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^\| +P \| E_train \| E_test \| E_test - E_train \|/m);
    expect(result.out).toMatch(/^\| +800 \| +[\d.]+% \| +[\d.]+% \|/m);
    expect(result.out).toMatch(
      /Fit of E_test - E_train = k \(1\/P\)\^alpha .*: k = [\d.e+-]+, alpha = -?[\d.]+|No fit: /,
    );
    const saved = JSON.parse(await readFile(join(out, 'learning-curve.json'), 'utf8'));
    expect(saved.points.map((point: { size: number }) => point.size)).toEqual([200, 400, 800]);
    expect(await readFile(join(out, 'learning-curve.svg'), 'utf8')).toContain('learning curve');
  });
});

describe('lenet adder', () => {
  it("runs the scalar engine's adder demo", async () => {
    const { code, out } = await run('adder', '--seeds', '2', '--max-epochs', '400');
    expect(code).toBe(0);
    expect(out).toContain('Binary adder (Rumelhart, Hinton & Williams 1986)');
    expect(out).toMatch(/m=2, 16 cases: 4-3-3\+direct seed 3 solved in \d+ epochs/);
    expect(out).toContain('Seed sweep, m=2: seeds 0-1, at most 400 epochs each');
  });

  it("shows the sweep's progress on stderr: in place on a terminal, else every interval", () => {
    const written: string[] = [];
    const terminal = sweepProgress({
      stdout: { write: () => true },
      stderr: { write: (text: string) => written.push(text), isTTY: true },
    });
    terminal.seedDone('4-2-3', 1, 50);
    terminal.seedDone('4-2-3', 2, 50);
    terminal.clear();
    expect(written).toEqual([
      '\rsweep 4-2-3: 1/50 seeds\u001b[K',
      '\rsweep 4-2-3: 2/50 seeds\u001b[K',
      '\r\u001b[K',
    ]);
    const lines: string[] = [];
    const log = sweepProgress(
      { stdout: { write: () => true }, stderr: { write: (text: string) => lines.push(text) } },
      0,
    );
    log.seedDone('4-2-3', 7, 50);
    expect(lines).toEqual(['sweep 4-2-3: 7/50 seeds\n']);
  });
});
