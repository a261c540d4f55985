// The GEMM engine behind every heavy kernel that is a matrix product: C[t] = op(A[t]) op(B[t])
// for t < batch, where a *problem* says in WGSL how to read an element of A and B and what to
// do with a finished element of C. Plain GEMM reads strided matrices; the convolutions read
// their operands straight from the image and the weights (implicit GEMM: no im2col buffer).
//
// Paths, chosen by shape:
// - naive: one invocation per element of C, for tiny products and those with fewer than 8
//   rows or columns, where staging costs more than it saves;
// - tiled: a workgroup computes a TM x TN tile of C, staging TK-deep slices of A and B in
//   shared memory; each invocation keeps an RM x RN block of sums in registers. Tile shapes:
//   64x64 for large products, 16x64 / 64x16 for a small M or N (LeNet's channel counts, a
//   dense layer's batch), 32x32 between;
// - split-K: when M x N has too few tiles to fill the GPU but K is deep (a convolution's
//   weight gradient sums over batch x positions), K is cut into equal slices whose partial
//   products go to scratch and a second pass adds them in slice order.
// No atomics anywhere: every sum runs in a fixed order, so results are the same bits each run.
import type { GpuContext, GpuShader } from '../../gpu-context.js';
import { foldedGrid, GRID_BUILTINS, GROUP_INDEX } from './grid.js';
import { packUniform, type UniformFields, uniformWgsl } from './uniforms.js';

/**
 * A product to compute. `declarations` binds its buffers at 1 .. buffers.length and defines
 *   fn loadA(t: u32, row: u32, p: u32) -> f32     element (row, p) of op(A[t]), row < m, p < k
 *   fn loadB(t: u32, p: u32, column: u32) -> f32  element (p, column) of op(B[t])
 *   fn store(t: u32, row: u32, column: u32, sum: f32)  writes the finished element
 * reading sizes from `params` (its `fields` must include m, n, k and batch, all u32).
 */
export interface GemmProblem {
  /** Distinguishes problems whose WGSL differs (part of the pipeline label). */
  readonly key: string;
  readonly fields: UniformFields;
  readonly values: Readonly<Record<string, number>>;
  readonly declarations: string;
  readonly buffers: readonly GPUBuffer[];
  /** Whether consecutive p are adjacent in memory for A (else consecutive rows are). */
  readonly aDepthContiguous: boolean;
  /** Whether consecutive columns are adjacent in memory for B (else consecutive p are). */
  readonly bColumnsContiguous: boolean;
}

/** A workgroup tile: TM x TN of C, TK deep, RM x RN per invocation. */
export interface Tile {
  readonly name: string;
  readonly tm: number;
  readonly tn: number;
  readonly tk: number;
  readonly rm: number;
  readonly rn: number;
}

export const tiles = {
  large: { name: 'large', tm: 64, tn: 64, tk: 16, rm: 4, rn: 4 },
  medium: { name: 'medium', tm: 32, tn: 32, tk: 16, rm: 2, rn: 2 },
  smallM: { name: 'smallM', tm: 16, tn: 64, tk: 16, rm: 1, rn: 4 },
  smallN: { name: 'smallN', tm: 64, tn: 16, tk: 16, rm: 4, rn: 1 },
} as const satisfies Record<string, Tile>;

/** How one product runs: a tile (or the naive kernel) and the number of K slices. */
export interface GemmPlan {
  readonly tile: Tile | null;
  readonly splits: number;
  /** Depth of each K slice (a multiple of the tile depth). */
  readonly kPerSplit: number;
}

/** Products below this many multiply-adds run naive. */
const NAIVE_WORK = 32 * 1024;
/**
 * Products with fewer rows or columns than this run naive: a tile would reuse each loaded
 * value fewer times than its staging and barriers cost (LeNet-5's C1 has 1 and 6 channels).
 */
const MIN_TILED_SIDE = 8;
/** Workgroups that keep a GPU busy; fewer tiles than this invite split-K. */
const TARGET_WORKGROUPS = 128;
/** The shallowest K slice worth a separate partial product. */
const MIN_SLICE_DEPTH = 128;
/** Most K slices (bounds the scratch buffer). */
const MAX_SPLITS = 64;

/** The plan for an m x n x k product, `batch` times (`force` overrides the choice, for tests and benchmarks). */
export function planGemm(
  m: number,
  n: number,
  k: number,
  batch: number,
  force?: { tile?: Tile | null; splits?: number },
): GemmPlan {
  let tile: Tile | null;
  if (force && 'tile' in force) tile = force.tile ?? null;
  else if (m * n * k * batch < NAIVE_WORK || Math.min(m, n) < MIN_TILED_SIDE) tile = null;
  else if (m <= 16 && n > 16) tile = tiles.smallM;
  else if (n <= 16 && m > 16) tile = tiles.smallN;
  else if (m >= 64 && n >= 64) tile = tiles.large;
  else tile = tiles.medium;
  if (k === 0) return { tile, splits: 1, kPerSplit: 1 };
  const depth = tile?.tk ?? 1;
  const groups = tile
    ? Math.ceil(m / tile.tm) * Math.ceil(n / tile.tn) * batch
    : Math.ceil((m * n) / 64) * batch;
  let splits =
    force?.splits ??
    Math.min(MAX_SPLITS, Math.ceil(TARGET_WORKGROUPS / groups), Math.floor(k / MIN_SLICE_DEPTH));
  splits = Math.max(1, Math.min(splits, k));
  const kPerSplit = Math.ceil(Math.ceil(k / splits) / depth) * depth;
  splits = Math.max(1, Math.ceil(k / kPerSplit));
  return { tile, splits, kPerSplit: splits === 1 ? Math.max(k, 1) : kPerSplit };
}

const engineFields = { splits: 'u32', kPerSplit: 'u32', columnGroupOffset: 'u32' } as const;

/** Keeps every binding of the problem statically used in a pass that only loads or only stores. */
const KEEP_BINDINGS = /* wgsl */ `
  if (params.m == 0xffffffffu) {
    store(0u, 0u, 0u, loadA(0u, 0u, 0u) + loadB(0u, 0u, 0u));
  }`;

function header(problem: GemmProblem, split: boolean): string {
  const partial = split
    ? `@group(0) @binding(${problem.buffers.length + 1}) var<storage, read_write> partial: array<f32>;\n`
    : '';
  return `${uniformWgsl({ ...problem.fields, ...engineFields })}\n${problem.declarations}\n${partial}`;
}

/** Where a finished sum goes: the problem's store, or this slice's partial product. */
function finishWgsl(split: boolean): string {
  return split
    ? 'partial[((t * params.splits + slice) * params.m + row) * params.n + column] = sum;'
    : 'store(t, row, column, sum);';
}

function naiveShader(problem: GemmProblem, split: boolean): GpuShader {
  return {
    label: `heavy/gemm-naive ${problem.key} split=${split}`,
    code: /* wgsl */ `
${header(problem, split)}
@compute @workgroup_size(64)
fn main(${GRID_BUILTINS}) {
  ${KEEP_BINDINGS}
  let index = ${GROUP_INDEX} * 64u + lid;
  let slice = wid.z % params.splits;
  let t = wid.z / params.splits;
  if (index >= params.m * params.n) { return; }
  let column = index % params.n;
  let row = index / params.n;
  let begin = slice * params.kPerSplit;
  let end = min(params.k, begin + params.kPerSplit);
  var sum = 0.0;
  for (var p = begin; p < end; p++) { sum += loadA(t, row, p) * loadB(t, p, column); }
  ${finishWgsl(split)}
}
`,
  };
}

function tiledShader(problem: GemmProblem, tile: Tile, split: boolean): GpuShader {
  const { tm, tn, tk, rm, rn } = tile;
  const threadsN = tn / rn;
  const threadsM = tm / rm;
  const threads = threadsM * threadsN;
  // Which index runs fastest over the invocations while loading decides coalescing.
  const aIndex = problem.aDepthContiguous
    ? `let r = i / ${tk}u; let q = i % ${tk}u;`
    : `let r = i % ${tm}u; let q = i / ${tm}u;`;
  const bIndex = problem.bColumnsContiguous
    ? `let c = i % ${tn}u; let q = i / ${tn}u;`
    : `let c = i / ${tk}u; let q = i % ${tk}u;`;
  return {
    label: `heavy/gemm-tiled ${problem.key} tile=${tile.name} split=${split}`,
    code: /* wgsl */ `
${header(problem, split)}
var<workgroup> tileA: array<f32, ${tk * tm}>;
var<workgroup> tileB: array<f32, ${tk * tn}>;

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  ${KEEP_BINDINGS}
  let slice = wid.z % params.splits;
  let t = wid.z / params.splits;
  let rowBase = wid.y * ${tm}u;
  let columnBase = (wid.x + params.columnGroupOffset) * ${tn}u;
  let begin = slice * params.kPerSplit;
  let end = min(params.k, begin + params.kPerSplit);
  // Invocation (tx, ty) owns rows ty + i * ${threadsM} and columns tx + j * ${threadsN} of the tile.
  let tx = lid % ${threadsN}u;
  let ty = lid / ${threadsN}u;
  var sums: array<f32, ${rm * rn}>;
  for (var k0 = begin; k0 < end; k0 += ${tk}u) {
    for (var i = lid; i < ${tk * tm}u; i += ${threads}u) {
      ${aIndex}
      let row = rowBase + r;
      let p = k0 + q;
      var value = 0.0;
      if (row < params.m && p < end) { value = loadA(t, row, p); }
      tileA[q * ${tm}u + r] = value;
    }
    for (var i = lid; i < ${tk * tn}u; i += ${threads}u) {
      ${bIndex}
      let column = columnBase + c;
      let p = k0 + q;
      var value = 0.0;
      if (column < params.n && p < end) { value = loadB(t, p, column); }
      tileB[q * ${tn}u + c] = value;
    }
    workgroupBarrier();
    for (var q = 0u; q < ${tk}u; q++) {
      var a: array<f32, ${rm}>;
      var b: array<f32, ${rn}>;
      for (var i = 0u; i < ${rm}u; i++) { a[i] = tileA[q * ${tm}u + ty + i * ${threadsM}u]; }
      for (var j = 0u; j < ${rn}u; j++) { b[j] = tileB[q * ${tn}u + tx + j * ${threadsN}u]; }
      for (var i = 0u; i < ${rm}u; i++) {
        for (var j = 0u; j < ${rn}u; j++) { sums[i * ${rn}u + j] += a[i] * b[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < ${rm}u; i++) {
    let row = rowBase + ty + i * ${threadsM}u;
    for (var j = 0u; j < ${rn}u; j++) {
      let column = columnBase + tx + j * ${threadsN}u;
      if (row < params.m && column < params.n) {
        let sum = sums[i * ${rn}u + j];
        ${finishWgsl(split)}
      }
    }
  }
}
`,
  };
}

/** Adds the K slices of each element in slice order, then stores through the problem. */
function reduceShader(problem: GemmProblem): GpuShader {
  return {
    label: `heavy/gemm-split-reduce ${problem.key}`,
    code: /* wgsl */ `
${header(problem, true)}
@compute @workgroup_size(64)
fn main(${GRID_BUILTINS}) {
  ${KEEP_BINDINGS}
  let index = ${GROUP_INDEX} * 64u + lid;
  if (index >= params.batch * params.m * params.n) { return; }
  let column = index % params.n;
  let row = (index / params.n) % params.m;
  let t = index / (params.n * params.m);
  var sum = 0.0;
  for (var slice = 0u; slice < params.splits; slice++) {
    sum += partial[((t * params.splits + slice) * params.m + row) * params.n + column];
  }
  store(t, row, column, sum);
}
`,
  };
}

const shaderCache = new Map<string, GpuShader>();

function cachedShader(key: string, build: () => GpuShader): GpuShader {
  let shader = shaderCache.get(key);
  if (!shader) {
    shader = build();
    shaderCache.set(key, shader);
  }
  return shader;
}

const MAX_GROUPS = 65_535;

/** Records the dispatches of `problem` with `plan` (default: `planGemm` of its sizes). */
export function runGemm(gpu: GpuContext, problem: GemmProblem, plan?: GemmPlan): void {
  const { m, n, k, batch } = problem.values as { m: number; n: number; k: number; batch: number };
  if (m === 0 || n === 0 || batch === 0) return;
  const { tile, splits, kPerSplit } = plan ?? planGemm(m, n, k, batch);
  const split = splits > 1;
  if (batch * splits > MAX_GROUPS) {
    throw new RangeError(
      `gemm: batch x K slices is ${batch * splits}, expected at most ${MAX_GROUPS}`,
    );
  }
  const fields = { ...problem.fields, ...engineFields };
  const buffers = [...problem.buffers];
  if (split) buffers.push(gpu.scratch(batch * splits * m * n * 4));
  const uniform = (columnGroupOffset: number) =>
    packUniform(fields, { ...problem.values, splits, kPerSplit, columnGroupOffset } as never);
  if (tile) {
    const shader = cachedShader(`tiled ${problem.key} ${tile.name} ${split}`, () =>
      tiledShader(problem, tile, split),
    );
    const columnGroups = Math.ceil(n / tile.tn);
    const rowGroups = Math.ceil(m / tile.tm);
    if (rowGroups > MAX_GROUPS) {
      throw new RangeError(
        `gemm: ${m} rows need ${rowGroups} tiles, expected at most ${MAX_GROUPS}`,
      );
    }
    // Wide products (a convolution over a large batch) run as several dispatches of columns.
    for (let offset = 0; offset < columnGroups; offset += MAX_GROUPS) {
      const count = Math.min(MAX_GROUPS, columnGroups - offset);
      gpu.dispatch(shader, uniform(offset), buffers, [count, rowGroups, batch * splits]);
    }
  } else {
    const shader = cachedShader(`naive ${problem.key} ${split}`, () => naiveShader(problem, split));
    const [x, y] = foldedGrid(Math.ceil((m * n) / 64));
    gpu.dispatch(shader, uniform(0), buffers, [x, y, batch * splits]);
  }
  if (split) {
    const shader = cachedShader(`reduce ${problem.key}`, () => reduceShader(problem));
    gpu.dispatch(shader, uniform(0), buffers, foldedGrid(Math.ceil((batch * m * n) / 64)));
  }
}
