// The reduction step of data-parallel training: the calling thread's `.grad` becomes the
// weighted sum of every replica's slice gradients, in replica order. Each term is one in-place
// `add_` per parameter (y = alpha x + beta y, one kernel), so on the wasm backend the sum of
// 60,000 weights runs in WebAssembly instead of a JavaScript loop over shared memory.
import type { Tensor } from '@lenet/tensor';

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
