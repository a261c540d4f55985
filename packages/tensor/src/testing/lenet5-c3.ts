// LeNet-5's C3 connection table (LeCun et al. 1998, table I), shared by the tensor package's
// tests and benchmarks: which of the 6 S2 maps each of the 16 C3 maps reads.
// (nn-layers exports its own LENET5_C3_TABLE for models; tensor cannot depend on it.)
export const LENET5_C3_INPUTS: readonly (readonly number[])[] = [
  [0, 1, 2],
  [1, 2, 3],
  [2, 3, 4],
  [3, 4, 5],
  [0, 4, 5],
  [0, 1, 5],
  [0, 1, 2, 3],
  [1, 2, 3, 4],
  [2, 3, 4, 5],
  [0, 3, 4, 5],
  [0, 1, 4, 5],
  [0, 1, 2, 5],
  [0, 1, 3, 4],
  [1, 2, 4, 5],
  [0, 2, 3, 5],
  [0, 1, 2, 3, 4, 5],
];

/** The table as conv2d's `connection` option: [16 outputs][6 inputs] booleans. */
export function lenet5C3Table(): boolean[][] {
  return LENET5_C3_INPUTS.map((inputs) => [0, 1, 2, 3, 4, 5].map((c) => inputs.includes(c)));
}

/** The table as the kernels' mask: Uint8Array [16 x 6], 1 where connected. */
export function lenet5C3Mask(): Uint8Array {
  const mask = new Uint8Array(16 * 6);
  LENET5_C3_INPUTS.forEach((inputs, output) => {
    for (const input of inputs) mask[output * 6 + input] = 1;
  });
  return mask;
}
