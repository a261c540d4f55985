// BLAS sgemm on the GEMM engine: C = alpha op(A) op(B) + beta C over strided, offset,
// batched matrices (src/backend/backend.ts, GemmArgs).
import type { GemmArgs } from '../../../backend.js';
import type { GpuContext } from '../../gpu-context.js';
import { type GemmPlan, type GemmProblem, runGemm } from './gemm-engine.js';

const fields = {
  m: 'u32',
  n: 'u32',
  k: 'u32',
  batch: 'u32',
  alpha: 'f32',
  beta: 'f32',
  aOffset: 'u32',
  lda: 'u32',
  aBatchStride: 'u32',
  bOffset: 'u32',
  ldb: 'u32',
  bBatchStride: 'u32',
  cOffset: 'u32',
  ldc: 'u32',
  cBatchStride: 'u32',
} as const;

/** Index of element (row, column) of op(X) for the stored matrix X with leading dimension `ld`. */
function element(transposed: boolean, ld: string, row: string, column: string): string {
  return transposed ? `${column} * ${ld} + ${row}` : `${row} * ${ld} + ${column}`;
}

function declarations(transA: boolean, transB: boolean): string {
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
fn loadA(t: u32, row: u32, p: u32) -> f32 {
  return a[params.aOffset + t * params.aBatchStride + ${element(transA, 'params.lda', 'row', 'p')}];
}
fn loadB(t: u32, p: u32, column: u32) -> f32 {
  return b[params.bOffset + t * params.bBatchStride + ${element(transB, 'params.ldb', 'p', 'column')}];
}
fn store(t: u32, row: u32, column: u32, sum: f32) {
  let at = params.cOffset + t * params.cBatchStride + row * params.ldc + column;
  var value = params.alpha * sum;
  // beta = 0 overwrites C without reading it (NaN there does not propagate).
  if (params.beta != 0.0) { value += params.beta * c[at]; }
  c[at] = value;
}
`;
}

const declarationCache = new Map<string, string>();

/** The GEMM of `args` as an engine problem. */
function gemmProblem(gpu: GpuContext, args: GemmArgs): GemmProblem {
  const key = `gemm transA=${args.transA} transB=${args.transB}`;
  let wgsl = declarationCache.get(key);
  if (!wgsl) {
    wgsl = declarations(args.transA, args.transB);
    declarationCache.set(key, wgsl);
  }
  return {
    key,
    fields,
    // alpha = 0 (or k = 0) is C = beta C: the loop over k is skipped, A and B never read.
    values: { ...pick(args), k: args.alpha === 0 ? 0 : args.k },
    declarations: wgsl,
    buffers: [gpu.input(args.a), gpu.input(args.b), gpu.output(args.c, { reads: args.beta !== 0 })],
    aDepthContiguous: !args.transA,
    bColumnsContiguous: !args.transB,
  };
}

function pick(args: GemmArgs): Record<keyof typeof fields, number> {
  const values = {} as Record<keyof typeof fields, number>;
  for (const name of Object.keys(fields) as (keyof typeof fields)[]) values[name] = args[name];
  return values;
}

/** C = alpha op(A) op(B) + beta C; `plan` overrides the engine's choice (tests, benchmarks). */
export function gemm(gpu: GpuContext, args: GemmArgs, plan?: GemmPlan): void {
  runGemm(gpu, gemmProblem(gpu, args), plan);
}
