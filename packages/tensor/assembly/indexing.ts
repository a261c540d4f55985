// Gather / scatter-add along the middle axis of [outer, axis, inner], and the strided n-d copy.
// An out-of-range index returns its position + 1 (0 = all fine), so the caller can throw a
// RangeError naming it (the module itself cannot throw a JavaScript error).

import { at } from './simd';

export function gather(outer: i32, axis: i32, count: i32, inner: i32, input: usize, indices: usize, output: usize): i32 {
  let position = 0;
  for (let o = 0; o < outer; o++) {
    const base = at(input, o * axis * inner);
    for (let j = 0; j < count; j++) {
      for (let i = 0; i < inner; i++, position++) {
        const index = load<i32>(at(indices, position));
        if (<u32>index >= <u32>axis) return position + 1;
        store<f32>(at(output, position), load<f32>(at(base, index * inner + i)));
      }
    }
  }
  return 0;
}

export function scatterAdd(outer: i32, axis: i32, count: i32, inner: i32, source: usize, indices: usize, output: usize): i32 {
  let position = 0;
  for (let o = 0; o < outer; o++) {
    const base = at(output, o * axis * inner);
    for (let j = 0; j < count; j++) {
      for (let i = 0; i < inner; i++, position++) {
        const index = load<i32>(at(indices, position));
        if (<u32>index >= <u32>axis) return position + 1;
        const cell = at(base, index * inner + i);
        store<f32>(cell, load<f32>(cell) + load<f32>(at(source, position)));
      }
    }
  }
  return 0;
}

/**
 * Strided copy of 4-byte elements. `layout` holds rank i32 triples, outermost first: size,
 * input stride, output stride (elements); counters are kept after it.
 */
export function copy(rank: i32, layout: usize, input: usize, output: usize): void {
  const last = layout + <usize>((rank - 1) * 12);
  const rowLength = load<i32>(last);
  const inStep = load<i32>(last, 4);
  const outStep = load<i32>(last, 8);
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= load<i32>(layout + <usize>(d * 12));
  const counters = layout + <usize>(rank * 12);
  for (let d = 0; d < rank; d++) store<i32>(counters + <usize>(d << 2), 0);
  let inIndex = 0;
  let outIndex = 0;
  for (let row = 0; row < rows; row++) {
    if (inStep == 1 && outStep == 1) {
      memory.copy(at(output, outIndex), at(input, inIndex), <usize>rowLength << 2);
    } else {
      for (let i = 0; i < rowLength; i++) {
        store<i32>(at(output, outIndex + i * outStep), load<i32>(at(input, inIndex + i * inStep)));
      }
    }
    for (let d = rank - 2; d >= 0; d--) {
      const entry = layout + <usize>(d * 12);
      const size = load<i32>(entry);
      const counter = counters + <usize>(d << 2);
      const count = load<i32>(counter) + 1;
      inIndex += load<i32>(entry, 4);
      outIndex += load<i32>(entry, 8);
      if (count < size) {
        store<i32>(counter, count);
        break;
      }
      inIndex -= load<i32>(entry, 4) * size;
      outIndex -= load<i32>(entry, 8) * size;
      store<i32>(counter, 0);
    }
  }
}
