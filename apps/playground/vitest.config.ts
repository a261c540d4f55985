import { defineProject } from 'vitest/config';
import { projectConfig } from '../../vitest.shared.ts';

// Unit tests beside the code, and the browser tests in e2e/ (they drive Chromium against the
// built site in dist/, which the root `test` script builds first with turbo).
const shared = projectConfig(import.meta.dirname);

export default defineProject({
  ...shared,
  test: {
    ...shared.test,
    include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'],
    // A browser test may wait for a training pass on a busy 2-core machine.
    testTimeout: 120_000,
  },
});
