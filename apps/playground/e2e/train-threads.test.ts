// Data-parallel training on Web Workers in Chromium: the Train page's training worker plus
// replica workers (@lenet/trainer's DataParallel), over shared memory on a cross-origin
// isolated page and over messages on a plain static host.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, screenshotDir, startSession } from './harness.js';

/** LeNet-5 on 1,000 training images, two passes at batch 16, tested on 1,000. */
const RUN = '#train?size=1000&testSize=1000&epochs=2&batch=16&lr=0.003&seed=3';

interface RunResult {
  mode: string | null;
  threads: number;
  /** Test error (%) after each pass. */
  testErrors: number[];
  testError: number;
  checksum: string;
  imagesPerSecond: number;
  isolated: boolean;
}

/** Starts a run on a fresh tab and waits until the page says it is done. */
async function train(session: Session, params: string): Promise<RunResult> {
  const page = await session.open(`${RUN}&${params}`);
  await page.locator('[data-action=start]').click();
  const panel = page.locator('#panel-train .panel-body');
  await expect
    .poll(() => panel.getAttribute('data-state'), { timeout: 90_000, interval: 250 })
    .toBe('done');
  const status = await page.locator('[data-testid=train-status]').textContent();
  expect(status).toMatch(/^Done: 2 passes, test error/);
  const result = await readRun(page);
  await page.close();
  return result;
}

async function readRun(page: Page): Promise<RunResult> {
  const mode = page.locator('[data-testid=parallel-mode]');
  const testErrors = (
    await page
      .locator('[data-testid=epoch-table] tr[data-test-error]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-test-error')))
  ).map(Number);
  return {
    mode: await mode.getAttribute('data-mode'),
    threads: Number(await mode.getAttribute('data-threads')),
    testErrors,
    testError: testErrors[testErrors.length - 1],
    checksum:
      (await page.locator('#panel-train .panel-body').getAttribute('data-weights-checksum')) ?? '',
    imagesPerSecond: Number(
      await page.locator('[data-testid=throughput]').getAttribute('data-images-per-second'),
    ),
    isolated: await page.evaluate(() => globalThis.crossOriginIsolated),
  };
}

/** The 2-thread shared-memory run, for the message-passing run to compare with. */
let sharedRun: RunResult | null = null;
const figures: Record<string, RunResult> = {};

describe('Train page on 2 threads, cross-origin isolated (shared memory)', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  it('trains on 2 Web Workers over shared memory, learns, and the same seed gives the same weights', async () => {
    const first = await train(session, 'threads=2');
    expect(first.isolated).toBe(true);
    expect(first.mode).toBe('shared');
    expect(first.threads).toBe(2);
    // An untrained network is right one time in ten; 1,000 digits take it far, and further.
    expect(first.testErrors).toHaveLength(2);
    expect(first.testErrors[0]).toBeLessThan(50);
    expect(first.testErrors[1]).toBeLessThan(first.testErrors[0]);
    expect(first.imagesPerSecond).toBeGreaterThan(0);
    expect(first.checksum).toMatch(/^[0-9a-f]{8}$/);

    const again = await train(session, 'threads=2');
    expect(again.checksum).toBe(first.checksum);
    expect(again.testError).toBe(first.testError);

    // One thread sums the gradients in another order: other bits, nearly the same network.
    const single = await train(session, 'threads=1');
    expect(single.mode).toBe('single');
    expect(single.checksum).not.toBe(first.checksum);
    expect(Math.abs(single.testError - first.testError)).toBeLessThan(3);
    sharedRun = first;
    Object.assign(figures, { shared2: first, single });
    console.log(
      `train-threads: LeNet-5, 1,000 images, batch 16: 1 thread ${single.imagesPerSecond.toFixed(0)} images/s (test error ${single.testError}%), 2 threads shared memory ${first.imagesPerSecond.toFixed(0)} images/s (${first.testError}%)`,
    );
  });
});

describe('Train page on 2 threads, on a host without COOP/COEP (messages)', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession({ isolated: false });
  });
  afterAll(async () => {
    await session?.close();
    writeFileSync(join(screenshotDir, 'train-threads.json'), `${JSON.stringify(figures)}\n`);
  });

  it('falls back to messages, learns, and computes exactly what shared memory did', async () => {
    const run = await train(session, 'threads=2');
    expect(run.isolated).toBe(false);
    expect(run.mode).toBe('message');
    expect(run.threads).toBe(2);
    expect(run.testErrors[1]).toBeLessThan(run.testErrors[0]);
    expect(run.testError).toBeLessThan(50);
    if (sharedRun) {
      expect(run.checksum).toBe(sharedRun.checksum);
      expect(run.testError).toBe(sharedRun.testError);
    }
    figures.message2 = run;
    console.log(
      `train-threads: 2 threads over messages ${run.imagesPerSecond.toFixed(0)} images/s (${run.testError}%)`,
    );
  });
});
