import { expect, it } from 'vitest';
import { WordCache } from './word-cache.js';

it('finds values by the words of their key, not by the array holding them', () => {
  const cache = new WordCache<string>();
  const key = new Uint32Array([7, 1, 2, 99]);
  cache.set(key, 'first three', 3);
  cache.set(new Uint32Array([7, 1, 3]), 'other');
  key[3] = 5; // beyond the key's length: ignored
  expect(cache.get(new Uint32Array([7, 1, 2, 42]), 3)).toBe('first three');
  expect(cache.get(new Uint32Array([7, 1, 2]))).toBe('first three');
  expect(cache.get(new Uint32Array([7, 1, 3]))).toBe('other');
  expect(cache.get(new Uint32Array([7, 1]))).toBeUndefined();
  key[0] = 8; // the cache kept its own copy
  expect(cache.get(new Uint32Array([7, 1, 2]))).toBe('first three');
  expect(cache.size).toBe(2);
  expect([...cache.values()].sort()).toEqual(['first three', 'other']);
  cache.clear();
  expect(cache.size).toBe(0);
  expect(cache.get(new Uint32Array([7, 1, 3]))).toBeUndefined();
});
