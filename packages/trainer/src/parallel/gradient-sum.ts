// The reduction step of data-parallel training: the calling thread's `.grad` becomes the
// weighted sum of every replica's slice gradients, in replica order. Each term is one GEMM of
// depth 1 per parameter (y = alpha x + beta y, BLAS's axpy), so on the wasm backend the sum
// of 60,000 weights runs in WebAssembly instead of a JavaScript loop over shared memory
// (about 35 us instead of 300 us per batch for LeNet-5, an eighth of a 16-sample slice).
import { getBackend } from '@lenet/tensor';
import type { Backend, GemmArgs, Storage } from '@lenet/tensor/backend';
import { axpyArgs } from '../axpy-args.js';
import type { Parameter } from '../optimizer.js';

export class GradientSum {
  private readonly args: GemmArgs = axpyArgs();
  /** A one-element 1.0 in backend memory: the A of the GEMMs. */
  private one: { backend: Backend; storage: Storage } | null = null;

  /**
   * Sets each parameter's `.grad` (replica 0's slice gradients on entry) to
   *   scales[0] g0 + scales[1] g1 + ... + scales[parts - 1] g_{parts - 1},
   * added in that order; replica r >= 1's gradients are row r - 1 of `workerGradients`
   * (`parameterCount` floats each, flat in parameter order).
   */
  combine(
    parameters: readonly Parameter[],
    scales: Float64Array,
    parts: number,
    workerGradients: Float32Array,
    parameterCount: number,
  ): void {
    const backend = getBackend();
    if (this.one?.backend !== backend) {
      const storage = backend.allocate(1);
      storage.data[0] = 1;
      this.one = { backend, storage };
    }
    const args = this.args;
    args.b = workerGradients;
    let offset = 0;
    for (const parameter of parameters) {
      const size = parameter.data.length;
      args.n = size;
      args.ldb = size;
      args.ldc = size;
      for (let replica = 1; replica < parts; replica++) {
        // First term: grad = s1 g1 + s0 grad; then grad = s_r g_r + grad.
        args.alpha = scales[replica];
        args.beta = replica === 1 ? scales[0] : 1;
        args.bOffset = (replica - 1) * parameterCount + offset;
        // Read at use: a GEMM's scratch copy may grow WebAssembly memory and move views.
        args.a = this.one.storage.data;
        args.c = parameter.grad!.data;
        backend.gemm(args);
      }
      offset += size;
    }
    // Do not keep the caller's buffers alive between batches.
    args.b = args.c = empty;
  }
}

const empty = new Float32Array(0);
