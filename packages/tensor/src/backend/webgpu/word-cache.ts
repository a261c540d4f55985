// A map keyed by short sequences of 32-bit words (a uniform block's contents, the ids of a
// bind group's buffers) that builds no string per lookup: a hash of the words picks a bucket,
// the stored words confirm the match. Recording a dispatch looks up two of these.

interface Entry<Value> {
  readonly words: Uint32Array;
  readonly value: Value;
}

export class WordCache<Value> {
  private readonly buckets = new Map<number, Entry<Value>[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The value stored under the first `length` words of `words`, or undefined. */
  get(words: Uint32Array, length = words.length): Value | undefined {
    const bucket = this.buckets.get(hashWords(words, length));
    if (bucket === undefined) return undefined;
    for (let b = 0; b < bucket.length; b++) {
      const entry = bucket[b];
      if (sameWords(entry.words, words, length)) return entry.value;
    }
    return undefined;
  }

  set(words: Uint32Array, value: Value, length = words.length): void {
    const hash = hashWords(words, length);
    let bucket = this.buckets.get(hash);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(hash, bucket);
    }
    bucket.push({ words: words.slice(0, length), value });
    this.count++;
  }

  *values(): IterableIterator<Value> {
    for (const bucket of this.buckets.values()) for (const entry of bucket) yield entry.value;
  }

  clear(): void {
    this.buckets.clear();
    this.count = 0;
  }
}

/** FNV-1a over 32-bit words. */
function hashWords(words: Uint32Array, length: number): number {
  let hash = 0x811c9dc5 ^ length;
  for (let i = 0; i < length; i++) hash = Math.imul(hash ^ words[i], 0x01000193);
  return hash;
}

function sameWords(stored: Uint32Array, words: Uint32Array, length: number): boolean {
  if (stored.length !== length) return false;
  for (let i = 0; i < length; i++) if (stored[i] !== words[i]) return false;
  return true;
}
