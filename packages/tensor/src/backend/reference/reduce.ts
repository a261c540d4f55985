// Reference reductions along one axis of data viewed as [outer, axis, inner], argmax, and
// log-softmax over rows. Sums accumulate in float64.
import type { ArgmaxArgs, LogSoftmaxArgs, LogSoftmaxBackwardArgs, ReduceArgs } from '../backend.js';

let sums = new Float64Array(0);

export function reduce(args: ReduceArgs): void {
  const { op, outer, axis, inner, input, output } = args;
  if (sums.length < inner) sums = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * axis * inner;
    if (op === 'sum') {
      sums.fill(0, 0, inner);
      for (let j = 0; j < axis; j++) {
        const row = base + j * inner;
        for (let i = 0; i < inner; i++) sums[i] += input[row + i];
      }
      for (let i = 0; i < inner; i++) output[o * inner + i] = sums[i];
    } else {
      for (let i = 0; i < inner; i++) output[o * inner + i] = input[base + i];
      for (let j = 1; j < axis; j++) {
        const row = base + j * inner;
        for (let i = 0; i < inner; i++) {
          const value = input[row + i];
          const index = o * inner + i;
          // `!(value <= best)` is true for a larger value and for NaN, so NaN propagates.
          if (!(value <= output[index]) && !Number.isNaN(output[index])) output[index] = value;
        }
      }
    }
  }
}

export function argmax(args: ArgmaxArgs): void {
  const { outer, axis, inner, input, output } = args;
  for (let o = 0; o < outer; o++) {
    const base = o * axis * inner;
    for (let i = 0; i < inner; i++) {
      let best = input[base + i];
      let bestIndex = 0;
      for (let j = 1; j < axis && !Number.isNaN(best); j++) {
        const value = input[base + j * inner + i];
        if (value > best || Number.isNaN(value)) {
          best = value;
          bestIndex = j;
        }
      }
      output[o * inner + i] = bestIndex;
    }
  }
}

export function logSoftmax(args: LogSoftmaxArgs): void {
  const { rows, columns, input, output } = args;
  for (let r = 0; r < rows; r++) {
    const start = r * columns;
    const end = start + columns;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) if (input[i] > max) max = input[i];
    if (max === Number.NEGATIVE_INFINITY) max = 0; // a row of -Infinity stays -Infinity (or NaN)
    let sum = 0;
    for (let i = start; i < end; i++) sum += Math.exp(input[i] - max);
    const logSum = max + Math.log(sum);
    for (let i = start; i < end; i++) output[i] = input[i] - logSum;
  }
}

export function logSoftmaxBackward(args: LogSoftmaxBackwardArgs): void {
  const { rows, columns, output, gradOutput, gradInput } = args;
  for (let r = 0; r < rows; r++) {
    const start = r * columns;
    const end = start + columns;
    let sum = 0;
    for (let i = start; i < end; i++) sum += gradOutput[i];
    for (let i = start; i < end; i++) gradInput[i] = gradOutput[i] - Math.exp(output[i]) * sum;
  }
}
