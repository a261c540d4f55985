// Precision of log-softmax at large logits, each backend against a float64 computation:
// the largest |error| of log-softmax, and how far each softmax row's sum is from 1.
//   pnpm --filter @lenet/tensor exec tsx --conditions=@lenet/source bench/log-softmax-precision.ts
import { Generator, logSoftmax, setBackend, tensor } from '@lenet/tensor';

const rows = 2000;
const columns = 10;
const generator = new Generator(5);
for (const backend of ['reference', 'wasm']) {
  setBackend(backend);
  for (const [low, high] of [
    [-30, 30],
    [300, 320],
    [2990, 3010],
    [-3000, 3000],
  ]) {
    const input = generator.fillUniform(new Float32Array(rows * columns), low, high);
    const output = logSoftmax(tensor(input, [rows, columns]), 1).data;
    let worstError = 0;
    let worstSum = 0;
    for (let r = 0; r < rows; r++) {
      const row = Array.from(input.subarray(r * columns, (r + 1) * columns));
      const largest = Math.max(...row);
      const logSum = largest + Math.log(row.reduce((sum, x) => sum + Math.exp(x - largest), 0));
      let softmaxSum = 0;
      for (let c = 0; c < columns; c++) {
        const got = output[r * columns + c];
        worstError = Math.max(worstError, Math.abs(got - (row[c] - logSum)));
        softmaxSum += Math.exp(got);
      }
      worstSum = Math.max(worstSum, Math.abs(softmaxSum - 1));
    }
    console.log(
      `${backend.padEnd(9)} logits in [${low}, ${high}]: max |log-softmax error| ${worstError.toExponential(2)}, max |sum(softmax) - 1| ${worstSum.toExponential(2)}`,
    );
  }
}
