// Reference gather / scatter-add along an axis and the strided n-d copy behind every
// layout op (transpose, permute, pad, slice, concat).
import type { CopyArgs, GatherArgs, ScatterAddArgs } from '../backend.js';
import { collapseDimensions } from './elementwise.js';

function checkIndex(kernel: string, index: number, axis: number): void {
  if (index < 0 || index >= axis) {
    throw new RangeError(`${kernel}: index ${index} is out of range [0, ${axis})`);
  }
}

export function gather(args: GatherArgs): void {
  const { outer, axis, count, inner, input, indices, output } = args;
  let position = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * axis * inner;
    for (let j = 0; j < count; j++) {
      for (let i = 0; i < inner; i++, position++) {
        const index = indices[position];
        checkIndex('gather', index, axis);
        output[position] = input[base + index * inner + i];
      }
    }
  }
}

export function scatterAdd(args: ScatterAddArgs): void {
  const { outer, axis, count, inner, source, indices, output } = args;
  let position = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * axis * inner;
    for (let j = 0; j < count; j++) {
      for (let i = 0; i < inner; i++, position++) {
        const index = indices[position];
        checkIndex('scatterAdd', index, axis);
        output[base + index * inner + i] += source[position];
      }
    }
  }
}

export function copy(args: CopyArgs): void {
  const { input, output } = args;
  for (const size of args.shape) if (size === 0) return;
  const collapsed = collapseDimensions(args.shape, [args.inputStrides, args.outputStrides]);
  const shape = collapsed.shape;
  const [inputStrides, outputStrides] = collapsed.strides;
  const rank = shape.length;
  const rowLength = shape[rank - 1];
  const inStep = inputStrides[rank - 1];
  const outStep = outputStrides[rank - 1];
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= shape[d];
  const counter = new Array<number>(rank).fill(0);
  let inIndex = args.inputOffset;
  let outIndex = args.outputOffset;
  for (let row = 0; row < rows; row++) {
    if (inStep === 1 && outStep === 1) {
      output.set(input.subarray(inIndex, inIndex + rowLength), outIndex);
    } else {
      for (
        let i = 0, ii = inIndex, oi = outIndex;
        i < rowLength;
        i++, ii += inStep, oi += outStep
      ) {
        output[oi] = input[ii];
      }
    }
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]++;
      inIndex += inputStrides[d];
      outIndex += outputStrides[d];
      if (counter[d] < shape[d]) break;
      inIndex -= inputStrides[d] * shape[d];
      outIndex -= outputStrides[d] * shape[d];
      counter[d] = 0;
    }
  }
}
