import { defineProject } from 'vitest/config';

// The packed-tarball consumer test: slow (npm installs, tsc, attw), so long timeouts.
export default defineProject({
  test: {
    name: 'consumer',
    root: import.meta.dirname,
    include: ['*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
