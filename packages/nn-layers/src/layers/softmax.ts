/** Softmax and LogSoftmax over the last axis. */
import { logSoftmax, softmax, type Tensor } from '@lenet/tensor';
import { type DiagHessianContext, Module } from '../module.js';

export class Softmax extends Module {
  forward(input: Tensor): Tensor {
    return softmax(input, -1);
  }

  /** dp_i/dz_k = p_i ([i = k] - p_k): Gauss-Newton sum_i p_i^2 ([i = k] - p_k)^2 d2E/dp_i^2. */
  override diagHessianBackward({ output, outputCurvature }: DiagHessianContext): Float32Array {
    const columns = output.shape[output.rank - 1];
    const probabilities = output.data;
    const inputCurvature = new Float32Array(output.size);
    for (let start = 0; start < output.size; start += columns) {
      let weighted = 0; // sum_i p_i^2 d2E/dp_i^2
      for (let i = 0; i < columns; i++) {
        const p = probabilities[start + i];
        weighted += p * p * outputCurvature[start + i];
      }
      for (let k = 0; k < columns; k++) {
        const p = probabilities[start + k];
        const own = p * p * outputCurvature[start + k];
        // i = k contributes p^2 (1 - p)^2 D_k; every i contributes p_i^2 p_k^2 D_i otherwise.
        inputCurvature[start + k] = own * (1 - p) * (1 - p) + p * p * (weighted - own);
      }
    }
    return inputCurvature;
  }
}

export class LogSoftmax extends Module {
  forward(input: Tensor): Tensor {
    return logSoftmax(input, -1);
  }

  /**
   * With p = softmax(z): d lp_i/dz_k = [i = k] - p_k and d2 lp_i/dz_k^2 = -p_k (1 - p_k).
   * Gauss-Newton term sum_i ([i = k] - p_k)^2 d2E/dlp_i^2, plus the layer's own term
   * -(sum_i dE/dlp_i) p_k (1 - p_k) clamped at 0: with nllLoss (curvature 0, gradient -onehot)
   * that own term is the whole curvature, p_k (1 - p_k), as for cross-entropy on logits.
   */
  override diagHessianBackward(context: DiagHessianContext): Float32Array {
    const { output, outputCurvature, outputGradient } = context;
    const columns = output.shape[output.rank - 1];
    const rows = output.size / columns;
    const logProbabilities = output.data;
    const inputCurvature = new Float32Array(output.size);
    for (let r = 0; r < rows; r++) {
      const start = r * columns;
      let curvatureSum = 0;
      let gradientSum = 0;
      for (let k = 0; k < columns; k++) {
        curvatureSum += outputCurvature[start + k];
        if (outputGradient) gradientSum += outputGradient[start + k];
      }
      for (let k = 0; k < columns; k++) {
        const p = Math.exp(logProbabilities[start + k]);
        const gaussNewton = outputCurvature[start + k] * (1 - 2 * p) + p * p * curvatureSum;
        inputCurvature[start + k] = gaussNewton + Math.max(0, -gradientSum * p * (1 - p));
      }
    }
    return inputCurvature;
  }
}
