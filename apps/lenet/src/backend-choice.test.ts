// `--backend`: parsing, the thread rule, the error when WebGPU cannot start, the backend kept
// for --resume, and (where a WebGPU adapter exists) the same tiny run on webgpu as on wasm.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setBackend, tensor } from '@lenet/tensor';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { threadsFor, useBackend } from './backend-choice.js';
import { UsageError } from './errors.js';
import { memoryIo } from './io.js';
import { main } from './main.js';

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'lenet-backend-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});
afterEach(() => {
  setBackend('wasm');
  vi.doUnmock('@lenet/tensor/node');
});

async function run(...argv: string[]) {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

// About a second on wasm: 100 images, one pass of Adam in batches of 32.
const TINY = [
  '--model',
  'lenet5-modern',
  '--train-size',
  '100',
  '--test-size',
  '50',
  '--schedule',
  'constant',
  '--epochs',
  '1',
];

describe('--backend', () => {
  it.each(['train', 'eval', 'predict'])('is documented on %s, default wasm', async (command) => {
    const out = (await run(command, '--help')).out.replace(/\s+/g, ' ');
    expect(out).toContain('--backend <name>');
    expect(out).toContain('"wasm", "webgpu", "reference"');
    expect(out).toContain('default: "wasm"');
  });

  it('rejects a backend it does not know and names the valid ones', async () => {
    const { code, err } = await run('train', '--backend', 'cuda');
    expect(code).toBe(1);
    expect(err).toContain(
      "argument 'cuda' is invalid. Allowed choices are wasm, webgpu, reference.",
    );
  });

  it('runs webgpu on one thread: the CPU-count default becomes 1, a --threads above 1 is refused', () => {
    expect(threadsFor('webgpu', 8, false)).toBe(1);
    expect(threadsFor('webgpu', 1, true)).toBe(1);
    expect(threadsFor('wasm', 8, false)).toBe(8);
    expect(() => threadsFor('webgpu', 2, true)).toThrow(
      /--threads 2 splits batches over CPU threads, which --backend webgpu does not use/,
    );
  });

  it('says why WebGPU could not start and what to use instead', async () => {
    vi.doMock('@lenet/tensor/node', () => ({
      initWebGpuBackendNode: () =>
        Promise.reject(new Error('initWebGpuBackend: no WebGPU adapter was found')),
    }));
    const failure = useBackend('webgpu');
    await expect(failure).rejects.toThrow(UsageError);
    await expect(failure).rejects.toThrow(
      '--backend webgpu: initWebGpuBackend: no WebGPU adapter was found. Use --backend wasm (the default) to compute on the CPU.',
    );
  });

  it('is saved in settings.json, and --resume keeps it (another one contradicts it)', async () => {
    const out = join(workDir, 'kept');
    const first = await run('train', ...TINY, '--threads', '1', '--backend', 'wasm', '--out', out);
    expect(first.err).toBe('');
    const settings = JSON.parse(await readFile(join(out, 'settings.json'), 'utf8'));
    expect(settings.backend).toBe('wasm');
    const other = await run('train', '--out', out, '--resume', '--backend', 'reference');
    expect(other.code).toBe(1);
    expect(other.err).toContain('--backend reference contradicts');
  });
});

/**
 * Whether `lenet --backend webgpu` can train here (LENET_REQUIRE_WEBGPU=1: it must start):
 * an adapter, and the GEMM and convolution kernels (stubs that throw "not implemented yet"
 * until their WGSL is merged).
 */
async function webGpuStarts(): Promise<boolean> {
  try {
    await useBackend('webgpu');
    await tensor([1, 2, 3, 4], [2, 2])
      .matmul(tensor([1, 0, 0, 1], [2, 2]))
      .sync();
    return true;
  } catch (error) {
    if (/not implemented yet/.test((error as Error).message)) {
      console.warn(`lenet --backend webgpu test skipped: ${(error as Error).message}`);
      return false;
    }
    if (process.env.LENET_REQUIRE_WEBGPU === '1') throw error;
    return false;
  } finally {
    setBackend('wasm');
  }
}
const haveWebGpu = await webGpuStarts();

describe.skipIf(!haveWebGpu)('lenet train --backend webgpu (needs a WebGPU adapter)', () => {
  it('trains the tiny run to the same loss and test error as wasm (float32 tolerance)', async () => {
    const outcomes = [];
    for (const backend of ['wasm', 'webgpu']) {
      const out = join(workDir, `tiny-${backend}`);
      const result = await run(
        'train',
        ...TINY,
        '--threads',
        '1',
        '--backend',
        backend,
        '--out',
        out,
      );
      expect(result.err).toBe('');
      const metrics = JSON.parse((await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim());
      const summary = JSON.parse(await readFile(join(out, 'result.json'), 'utf8'));
      outcomes.push({ loss: metrics.trainLoss as number, errors: summary.testErrors as number });
    }
    const [wasm, webgpu] = outcomes;
    expect(Math.abs(webgpu.loss - wasm.loss)).toBeLessThan(1e-3 * Math.abs(wasm.loss) + 1e-4);
    expect(Math.abs(webgpu.errors - wasm.errors)).toBeLessThanOrEqual(1);
  }, 120_000);
});
