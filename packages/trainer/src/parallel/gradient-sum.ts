// The reduction step of data-parallel training: the calling thread's `.grad` becomes the
// weighted sum of every replica's slice gradients, in replica order. Each term is one in-place
// `add_` per parameter (y = alpha x + beta y, one kernel), so on the wasm backend the sum of
// 60,000 weights runs in WebAssembly instead of a JavaScript loop over shared memory.
import { type Tensor, zeros } from '@lenet/tensor';
import { sliceOf } from './slices.js';

/**
 * The shared-memory reduction, split over the replicas: replica `index` of `parts` computes
 * floats `[from, to)` = `sliceOf(parameterCount, parts, index)` of
 *   sums = scales[0] g0 + scales[1] g1 + ... + scales[parts - 1] g_{parts - 1}
 * where row r of `gradients` (`parameterCount` floats from `r * parameterCount`) holds
 * replica r's slice gradients. Terms are added in replica order by the backend's in-place
 * `add_` (the kernel `GradientSum` uses; in WebAssembly on the wasm backend, several times
 * faster than a JavaScript loop), so the result does not depend on which replica computed
 * which part.
 */
export class GradientPartSum {
  private scratch: Tensor | null = null;
  /** The rows' parts for the last (parts, index): views cut once. */
  private rows: {
    source: Float32Array;
    parts: number;
    index: number;
    rows: Float32Array[];
  } | null = null;
  private readonly terms = { alpha: 1, beta: 0 };

  sum(
    gradients: Float32Array,
    sums: Float32Array,
    parameterCount: number,
    scales: Float64Array,
    parts: number,
    index: number,
  ): void {
    const [from, to] = sliceOf(parameterCount, parts, index);
    if (to <= from) return;
    const rows = this.rowsOf(gradients, parameterCount, parts, index, from, to);
    if (this.scratch?.size !== to - from) this.scratch = zeros([to - from]);
    const scratch = this.scratch;
    const terms = this.terms;
    for (let replica = 0; replica < parts; replica++) {
      terms.alpha = scales[replica];
      terms.beta = replica === 0 ? 0 : 1;
      scratch.add_(rows[replica], terms);
    }
    sums.set(scratch.data, from);
  }

  private rowsOf(
    source: Float32Array,
    parameterCount: number,
    parts: number,
    index: number,
    from: number,
    to: number,
  ): Float32Array[] {
    const cached = this.rows;
    if (cached?.source === source && cached.parts === parts && cached.index === index) {
      return cached.rows;
    }
    const rows = Array.from({ length: parts }, (_, replica) =>
      source.subarray(replica * parameterCount + from, replica * parameterCount + to),
    );
    this.rows = { source, parts, index, rows };
    return rows;
  }
}

/** Each replica's share of a batch of `count` samples split over `parts`: n_r / n, into `scales`. */
export function replicaScales(count: number, parts: number, scales: Float64Array): Float64Array {
  for (let replica = 0; replica < parts; replica++) {
    const [start, end] = sliceOf(count, parts, replica);
    scales[replica] = (end - start) / count;
  }
  return scales;
}

export class GradientSum {
  /** Each (replica, parameter) row of the last `workerGradients`, cut once per buffer. */
  private rows: { source: Float32Array; parts: number; rows: Float32Array[][] } | null = null;
  /** The scales of each `add_`, one object reused. */
  private readonly scales = { alpha: 1, beta: 1 };

  /**
   * Sets each parameter's `.grad` (replica 0's slice gradients on entry) to
   *   scales[0] g0 + scales[1] g1 + ... + scales[parts - 1] g_{parts - 1},
   * added in that order; replica r >= 1's gradients are row r - 1 of `workerGradients`
   * (`parameterCount` floats each, flat in parameter order).
   */
  combine(
    parameters: readonly Tensor[],
    scales: Float64Array,
    parts: number,
    workerGradients: Float32Array,
    parameterCount: number,
  ): void {
    const rows = this.rowsOf(parameters, parts, workerGradients, parameterCount);
    const terms = this.scales;
    for (let index = 0; index < parameters.length; index++) {
      const gradient = parameters[index].grad!;
      for (let replica = 1; replica < parts; replica++) {
        // First term: grad = s1 g1 + s0 grad; then grad = s_r g_r + grad.
        terms.alpha = scales[replica];
        terms.beta = replica === 1 ? scales[0] : 1;
        gradient.add_(rows[replica - 1][index], terms);
      }
    }
  }

  private rowsOf(
    parameters: readonly Tensor[],
    parts: number,
    source: Float32Array,
    parameterCount: number,
  ): Float32Array[][] {
    const cached = this.rows;
    if (cached?.source === source && cached.parts === parts) return cached.rows;
    const rows: Float32Array[][] = [];
    for (let replica = 1; replica < parts; replica++) {
      let offset = (replica - 1) * parameterCount;
      rows.push(
        parameters.map((parameter) => {
          const row = source.subarray(offset, offset + parameter.size);
          offset += parameter.size;
          return row;
        }),
      );
    }
    this.rows = { source, parts, rows };
    return rows;
  }
}
