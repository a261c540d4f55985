// The naive GEMM: one invocation per element of C, a plain loop over k. The path for tiny
// problems (a dense layer at batch size 1), where a tiled kernel's shared-memory staging and
// barriers cost more than they save, and the readable specification of the tiled kernels.
import type { GemmArgs } from '../../../backend.js';
import type { GpuContext } from '../../gpu-context.js';
import { foldedGrid, GRID_BUILTINS, GROUP_INDEX } from './grid.js';
import { packUniform, uniformWgsl } from './uniforms.js';

/** The uniform block every GEMM kernel shares (k = 0 when alpha = 0: A and B are not read). */
export const gemmFields = {
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

export function packGemmUniform(args: GemmArgs): ArrayBuffer {
  return packUniform(gemmFields, {
    ...args,
    k: args.alpha === 0 ? 0 : args.k,
  });
}

/** WGSL index of element (row, column) of op(X) for X in a, b with leading dimension `ld`. */
export function operandIndex(
  name: 'a' | 'b',
  transposed: boolean,
  row: string,
  column: string,
): string {
  const ld = `params.ld${name}`;
  return transposed ? `(${column}) * ${ld} + (${row})` : `(${row}) * ${ld} + (${column})`;
}

const WORKGROUP = 64;

function naiveShader(transA: boolean, transB: boolean) {
  return {
    label: `heavy/gemm-naive transA=${transA} transB=${transB}`,
    code: /* wgsl */ `
${uniformWgsl(gemmFields)}
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

@compute @workgroup_size(${WORKGROUP})
fn main(${GRID_BUILTINS}) {
  let index = ${GROUP_INDEX} * ${WORKGROUP}u + lid;
  if (index >= params.m * params.n * params.batch) { return; }
  let column = index % params.n;
  let row = (index / params.n) % params.m;
  let t = index / (params.n * params.m);
  let aBase = params.aOffset + t * params.aBatchStride;
  let bBase = params.bOffset + t * params.bBatchStride;
  var sum = 0.0;
  for (var p = 0u; p < params.k; p++) {
    sum += a[aBase + ${operandIndex('a', transA, 'row', 'p')}] * b[bBase + ${operandIndex('b', transB, 'p', 'column')}];
  }
  let out = params.cOffset + t * params.cBatchStride + row * params.ldc + column;
  var value = params.alpha * sum;
  if (params.beta != 0.0) { value += params.beta * c[out]; }
  c[out] = value;
}
`,
  };
}

const shaders = new Map<string, ReturnType<typeof naiveShader>>();

/** C = alpha op(A) op(B) + beta C, one invocation per element of C. */
export function gemmNaive(gpu: GpuContext, args: GemmArgs): void {
  const { m, n, batch, transA, transB } = args;
  if (m === 0 || n === 0 || batch === 0) return;
  const key = `${transA}${transB}`;
  let shader = shaders.get(key);
  if (!shader) {
    shader = naiveShader(transA, transB);
    shaders.set(key, shader);
  }
  gpu.dispatch(
    shader,
    packGemmUniform(args),
    [gpu.input(args.a), gpu.input(args.b), gpu.output(args.c, { reads: args.beta !== 0 })],
    foldedGrid(Math.ceil((m * n * batch) / WORKGROUP)),
  );
}
