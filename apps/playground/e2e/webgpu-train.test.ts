// The playground on WebGPU (Chromium's SwiftShader adapter): "Compute on" picks it, the badges
// say so, LeNet-5 trains a few steps in the worker with a falling loss, and the Train page keeps
// zero axe-core violations. Skipped where this Chromium gives no WebGPU adapter, unless
// LENET_REQUIRE_WEBGPU=1.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSource, violations } from './axe.js';
import { type Session, startSession } from './harness.js';

let session: Session;
let adapter: string | null = null;
/** Why WebGPU training cannot run in this browser (null: it can). */
let unavailable: string | null = null;

beforeAll(async () => {
  session = await startSession({ webgpu: true });
  const page = await session.open('#draw');
  ({ adapter, unavailable } = await page.evaluate(probeWebGpu));
  await page.close();
  if (unavailable && process.env.LENET_REQUIRE_WEBGPU === '1' && adapter === null) {
    throw new Error(`LENET_REQUIRE_WEBGPU=1 but Chromium gives no WebGPU adapter: ${unavailable}`);
  }
  if (unavailable) console.warn(`playground WebGPU tests skipped: ${unavailable}`);
});
afterAll(async () => {
  await session?.close();
});

/** In the page: an adapter's name, or why there is none. */
async function probeWebGpu(): Promise<{ adapter: string | null; unavailable: string | null }> {
  const gpu = (
    navigator as unknown as {
      gpu?: { requestAdapter(): Promise<{ info?: { architecture?: string } } | null> };
    }
  ).gpu;
  if (!gpu) return { adapter: null, unavailable: 'no navigator.gpu' };
  const found = await gpu.requestAdapter();
  if (!found) return { adapter: null, unavailable: 'requestAdapter() gave null' };
  return { adapter: found.info?.architecture ?? 'an adapter', unavailable: null };
}

async function trainedSteps(page: Page): Promise<{ first: number; last: number }> {
  const chart = page.locator('[data-testid=loss-chart]');
  return {
    first: Number(await chart.getAttribute('data-first-loss')),
    last: Number(await chart.getAttribute('data-last-loss')),
  };
}

describe('the playground on WebGPU', () => {
  it('trains LeNet-5 a few steps on WebGPU: badge, falling loss, zero axe violations', async (context) => {
    if (unavailable) context.skip();
    const page = await session.open(
      '#train?compute=webgpu&size=1000&testSize=1000&epochs=1&batch=16&lr=0.003',
    );
    expect(await page.locator('select[name=compute]').inputValue()).toBe('webgpu');
    await page.locator('[data-action=start]').click();
    const badge = page.locator('[data-testid=compute-backend]');
    await expect.poll(() => badge.getAttribute('data-backend'), { timeout: 60_000 }).toBe('webgpu');
    const status = page.locator('[data-testid=train-status]');
    await expect
      .poll(() => status.textContent(), { timeout: 120_000 })
      .toMatch(/batch|failed|not implemented/);
    if (/not implemented yet/.test((await status.textContent()) ?? '')) {
      // The GEMM and convolution kernels' WGSL is another branch's; until it lands they throw.
      console.warn(`playground WebGPU training skipped: ${await status.textContent()}`);
      await page.close();
      context.skip();
    }
    expect(await badge.textContent()).toMatch(/^Computing on WebGPU/);
    // One thread on the GPU, whatever the Threads setting.
    expect(await page.locator('[data-testid=parallel-mode]').getAttribute('data-threads')).toBe(
      '1',
    );
    const chart = page.locator('[data-testid=loss-chart]');
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), {
        timeout: 180_000,
        interval: 500,
      })
      .toBeGreaterThanOrEqual(24);
    const { first, last } = await trainedSteps(page);
    console.log(`webgpu train: smoothed loss ${first.toFixed(3)} -> ${last.toFixed(3)}`);
    expect(last).toBeLessThan(first);
    await page.locator('[data-action=pause]').click();
    // The worker pauses between two batches (a batch takes a while on SwiftShader).
    await expect
      .poll(() => page.locator('#panel-train .panel-body').getAttribute('data-state'), {
        timeout: 60_000,
      })
      .toBe('paused');
    await page.addScriptTag({ content: axeSource });
    expect(await violations(page)).toEqual([]);
    await session.screenshot(page, 'train-webgpu');
    await page.close();
  }, 240_000);

  it('Draw predicts on WebGPU with Auto, and says so', async (context) => {
    if (unavailable) context.skip();
    const page = await session.open('#draw?test=0');
    const badge = page.locator('[data-testid=draw-backend]');
    await expect.poll(() => badge.getAttribute('data-backend'), { timeout: 60_000 }).toBe('webgpu');
    const digit = page.locator('[data-testid=prediction]');
    const note = page.locator('[data-testid=prediction-note]');
    await expect
      .poll(async () => (await digit.getAttribute('data-digit')) ?? (await note.textContent()), {
        timeout: 60_000,
      })
      .toMatch(/^\d$|failed/);
    if (/not implemented yet/.test((await note.textContent()) ?? '')) {
      console.warn(`playground WebGPU prediction skipped: ${await note.textContent()}`);
      await page.close();
      context.skip();
    }
    expect(await digit.getAttribute('data-digit')).toBe('7');
    await page.close();
  }, 120_000);
});
