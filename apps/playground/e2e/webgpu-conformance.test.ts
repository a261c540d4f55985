// `@lenet/tensor`'s kernel conformance suite on WebGPU inside Chromium (SwiftShader adapter):
// a small page (conformance-page/) is built with Vite from the workspace sources, served, and
// run; every case must match the reference backend within the suite's tolerances. Skipped
// where this Chromium gives no WebGPU adapter, unless LENET_REQUIRE_WEBGPU=1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { lenetSourcePlugin } from '../../../vitest.shared.ts';
import { CHROMIUM, serveStatic, WEBGPU_FLAGS } from './harness.js';

const pageDir = join(dirname(fileURLToPath(import.meta.url)), 'conformance-page');
const outDir = mkdtempSync(join(tmpdir(), 'lenet-conformance-page-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

type Outcome =
  | { passed: number; skipped: number; failures: string[]; excluded: string[]; adapter: string }
  | { error: string };

describe('tensor conformance in Chromium on WebGPU', () => {
  it('every kernel case matches the reference backend', async (context) => {
    await build({
      root: pageDir,
      base: './',
      logLevel: 'error',
      configFile: false,
      plugins: [lenetSourcePlugin()],
      build: { outDir, emptyOutDir: true, target: 'es2022' },
    });
    const server = await serveStatic(outDir, { isolated: false });
    const profile = mkdtempSync(join(tmpdir(), 'lenet-conformance-profile-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--no-first-run', ...WEBGPU_FLAGS],
    });
    try {
      const page = await browser.newPage();
      await page.goto(server.url);
      await page.waitForFunction(() => 'conformance' in window, null, { timeout: 240_000 });
      const outcome = (await page.evaluate(
        () => (window as unknown as { conformance: unknown }).conformance,
      )) as Outcome;
      if ('error' in outcome) {
        if (
          process.env.LENET_REQUIRE_WEBGPU !== '1' &&
          /adapter|navigator\.gpu/.test(outcome.error)
        ) {
          console.warn(`conformance in Chromium skipped: ${outcome.error}`);
          context.skip();
        }
        throw new Error(outcome.error);
      }
      console.log(
        `conformance in Chromium on WebGPU (${outcome.adapter}): ${outcome.passed} passed, ${outcome.skipped} skipped${
          outcome.excluded.length > 0
            ? ` (heavy kernels still stubs: ${outcome.excluded.join(', ')})`
            : ''
        }`,
      );
      expect(outcome.failures).toEqual([]);
      expect(outcome.passed).toBeGreaterThan(20);
    } finally {
      await browser.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 300_000);
});
