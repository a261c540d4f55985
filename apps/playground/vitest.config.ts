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
  },
});
