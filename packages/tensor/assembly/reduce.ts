// Reductions along the middle axis of [outer, axis, inner], argmax, and log-softmax by rows.

import { sumFloats } from './conv';
import { expVector } from './math';
import { at } from './simd';

const SUM: i32 = 0;

/** output[o, i] = sum (or max, NaN propagating) over j of input[o, j, i]. */
export function reduce(op: i32, outer: i32, axis: i32, inner: i32, input: usize, output: usize): void {
  for (let o = 0; o < outer; o++) {
    const base = at(input, o * axis * inner);
    const out = at(output, o * inner);
    if (op == SUM && inner == 1) {
      store<f32>(out, <f32>sumFloats(base, axis));
      continue;
    }
    memory.copy(out, base, <usize>inner << 2);
    if (op == SUM) {
      for (let j = 1; j < axis; j++) {
        const row = at(base, j * inner);
        let i = 0;
        if (ASC_FEATURE_SIMD) {
          for (; i + 4 <= inner; i += 4) {
            v128.store(at(out, i), f32x4.add(v128.load(at(out, i)), v128.load(at(row, i))));
          }
        }
        for (; i < inner; i++) store<f32>(at(out, i), load<f32>(at(out, i)) + load<f32>(at(row, i)));
      }
    } else {
      for (let j = 1; j < axis; j++) {
        const row = at(base, j * inner);
        let i = 0;
        if (ASC_FEATURE_SIMD) {
          for (; i + 4 <= inner; i += 4) {
            v128.store(at(out, i), f32x4.max(v128.load(at(out, i)), v128.load(at(row, i))));
          }
        }
        for (; i < inner; i++) {
          const best = load<f32>(at(out, i));
          const value = load<f32>(at(row, i));
          store<f32>(at(out, i), best != best || value != value ? NaN : max(best, value));
        }
      }
    }
  }
}

/** output[o, i] = the first j where input[o, j, i] is largest (or the first NaN). */
export function argmax(outer: i32, axis: i32, inner: i32, input: usize, output: usize): void {
  for (let o = 0; o < outer; o++) {
    const base = at(input, o * axis * inner);
    for (let i = 0; i < inner; i++) {
      let best = load<f32>(at(base, i));
      let bestIndex = 0;
      for (let j = 1; j < axis && best == best; j++) {
        const value = load<f32>(at(base, j * inner + i));
        if (value > best || value != value) {
          best = value;
          bestIndex = j;
        }
      }
      store<i32>(at(output, o * inner + i), bestIndex);
    }
  }
}

/** Each row of [rows, columns]: output = input - max - log(sum(exp(input - max))). */
export function logSoftmax(rows: i32, columns: i32, input: usize, output: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = at(input, r * columns);
    const out = at(output, r * columns);
    let largest: f32 = -Infinity;
    for (let i = 0; i < columns; i++) {
      const value = load<f32>(at(row, i));
      if (value > largest) largest = value;
    }
    if (largest == -Infinity) largest = 0;
    let sum: f64 = 0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const shift = f32x4.splat(largest);
      for (; i + 4 <= columns; i += 4) {
        const e = expVector(f32x4.sub(v128.load(at(row, i)), shift));
        sum += <f64>(f32x4.extract_lane(e, 0) + f32x4.extract_lane(e, 1) + (f32x4.extract_lane(e, 2) + f32x4.extract_lane(e, 3)));
      }
    }
    for (; i < columns; i++) sum += Math.exp(<f64>(load<f32>(at(row, i)) - largest));
    // In float64 as the reference does: rounding max + log(sum) to float32 first loses up to
    // half an ulp of the max (1.5e-5 at logits near 300), which softmax then sums to 1 + 1e-5.
    const logSum: f64 = <f64>largest + Math.log(sum);
    for (let j = 0; j < columns; j++) store<f32>(at(out, j), <f32>(<f64>load<f32>(at(row, j)) - logSum));
  }
}

/** gradInput = gradOutput - exp(output) * (row sum of gradOutput). */
export function logSoftmaxBackward(rows: i32, columns: i32, output: usize, gradOutput: usize, gradInput: usize): void {
  for (let r = 0; r < rows; r++) {
    const start = r * columns;
    const sum = <f32>sumFloats(at(gradOutput, start), columns);
    for (let j = start; j < start + columns; j++) {
      store<f32>(at(gradInput, j), load<f32>(at(gradOutput, j)) - Mathf.exp(load<f32>(at(output, j))) * sum);
    }
  }
}
