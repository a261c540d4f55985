/**
 * A short fingerprint of a model's weights (32-bit FNV-1a over their float32 bytes, in
 * parameter order), so that a page or a test can tell whether two runs produced bit-identical
 * weights without moving 60,000 numbers around.
 */
export function weightsChecksum(parameters: readonly { data: ArrayLike<number> }[]): string {
  let hash = 0x811c9dc5;
  const word = new Float32Array(1);
  const bytes = new Uint8Array(word.buffer);
  for (const parameter of parameters) {
    const data = parameter.data;
    for (let i = 0; i < data.length; i++) {
      word[0] = data[i];
      for (let b = 0; b < 4; b++) hash = Math.imul(hash ^ bytes[b], 0x01000193);
    }
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
