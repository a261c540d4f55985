// LeNet-5's convolution kernels and two dense-layer GEMMs on the wasm backend at one batch size
// (default 512), optionally against another checkout's build in the same process: the two
// trees' calls alternate, and each figure is the minimum over the runs (milliseconds per call),
// so a loaded machine disturbs the comparison little. Both trees must be built (`pnpm build`).
//   npx tsx bench/large-batch-kernels.ts [--batch 512] [--runs 60] [--old /path/to/other/checkout]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Backend } from '../src/backend/index.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '512' },
    runs: { type: 'string', default: '60' },
    old: { type: 'string' },
  },
});
const batch = Number(values.batch);
const runs = Number(values.runs);
const packageDir = join(import.meta.dirname, '..');

async function wasmBackendOf(packageDirectory: string): Promise<Backend> {
  const entry = await import(join(packageDirectory, 'dist/backend/index.js'));
  entry.getBackend();
  const wasm = entry.findBackend('wasm') as Backend | undefined;
  if (!wasm) throw new Error(`large-batch-kernels: no wasm backend in ${packageDirectory}`);
  return wasm;
}

function filled(backend: Backend, length: number, seed: number): Float32Array {
  const data = backend.allocate(length).data;
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = (state / 4294967296) * 2 - 1;
  }
  return data;
}

function geometry(inChannels: number, size: number, outChannels: number) {
  const out = size - 4;
  return {
    batch,
    inChannels,
    inHeight: size,
    inWidth: size,
    outChannels,
    kernelHeight: 5,
    kernelWidth: 5,
    strideHeight: 1,
    strideWidth: 1,
    paddingHeight: 0,
    paddingWidth: 0,
    outHeight: out,
    outWidth: out,
    connection: null,
  };
}

/** C[m x n] = A[m x k] B[k x n], both stored row-major. */
function gemmCall(backend: Backend, m: number, n: number, k: number): () => void {
  const a = filled(backend, m * k, 8);
  const b = filled(backend, k * n, 9);
  const c = backend.allocate(m * n).data;
  return () =>
    backend.gemm({
      batch: 1,
      m,
      n,
      k,
      transA: false,
      transB: false,
      alpha: 1,
      beta: 0,
      a,
      aOffset: 0,
      lda: k,
      aBatchStride: 0,
      b,
      bOffset: 0,
      ldb: n,
      bBatchStride: 0,
      c,
      cOffset: 0,
      ldc: n,
      cBatchStride: 0,
    });
}

function kernelCalls(backend: Backend): Record<string, () => void> {
  const c1 = geometry(1, 32, 6);
  const c3 = geometry(6, 14, 16);
  const c1Input = filled(backend, batch * 1024, 1);
  const c1Weight = filled(backend, 150, 2);
  const c1Output = filled(backend, batch * 6 * 784, 3);
  const c3Input = filled(backend, batch * 6 * 196, 4);
  const c3Weight = filled(backend, 16 * 150, 5);
  const c3Output = filled(backend, batch * 16 * 100, 6);
  return {
    'C1 forward': () =>
      backend.conv2dForward({
        ...c1,
        input: c1Input,
        weight: c1Weight,
        bias: null,
        output: c1Output,
      }),
    'C1 input gradient': () =>
      backend.conv2dBackwardInput({
        ...c1,
        gradOutput: c1Output,
        weight: c1Weight,
        gradInput: c1Input,
      }),
    'C3 forward': () =>
      backend.conv2dForward({
        ...c3,
        input: c3Input,
        weight: c3Weight,
        bias: null,
        output: c3Output,
      }),
    'C3 input gradient': () =>
      backend.conv2dBackwardInput({
        ...c3,
        gradOutput: c3Output,
        weight: c3Weight,
        gradInput: c3Input,
      }),
    [`GEMM ${batch} x 120 x 84 (F6 input gradient)`]: gemmCall(backend, batch, 120, 84),
    [`GEMM ${batch} x 400 x 120 (C5 input gradient)`]: gemmCall(backend, batch, 400, 120),
  };
}

const trees: [string, Record<string, () => void>][] = [
  ['this tree', kernelCalls(await wasmBackendOf(packageDir))],
];
if (values.old) {
  const old = join(values.old, 'packages/tensor');
  trees.unshift(['old tree', kernelCalls(await wasmBackendOf(old))]);
}
// Warm-up: every kernel of both builds a few times first, so that V8 has compiled the hot
// functions with its optimizing tier before the first kernel is timed.
for (let call = 0; call < 5; call++) {
  for (const [, calls] of trees) for (const run of Object.values(calls)) run();
}
const header = ['kernel', ...trees.map(([name]) => `${name} ms`)];
if (trees.length === 2) header.push('this / old');
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const kernel of Object.keys(trees[0][1])) {
  const best = trees.map(() => Number.POSITIVE_INFINITY);
  for (let run = 0; run < runs + 2; run++) {
    trees.forEach(([, calls], index) => {
      const started = performance.now();
      calls[kernel]();
      const elapsed = performance.now() - started;
      if (run >= 2) best[index] = Math.min(best[index], elapsed);
    });
  }
  const cells = best.map((ms) => ms.toFixed(3));
  if (best.length === 2) cells.push(`${(best[1] / best[0]).toFixed(3)}x`);
  console.log(`| ${kernel} | ${cells.join(' | ')} |`);
}
