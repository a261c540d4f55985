import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, startSession } from './harness.js';

let session: Session;
beforeAll(async () => {
  session = await startSession({ serviceWorkers: 'allow' });
});
afterAll(async () => {
  await session?.close();
});

describe('offline', () => {
  it('works without the network once loaded (service worker)', async () => {
    const page = await session.open('#backprop');
    await page
      .waitForFunction(() => navigator.serviceWorker?.controller !== null || false, null, {
        timeout: 20_000,
      })
      .catch(async () => {
        // The first load is not controlled until the worker claims it; reload once.
        await page.reload();
      });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: 20_000,
    });
    // Visit the Draw page online once so the model and its chunk are cached.
    await page.goto(`${session.baseUrl}#draw`);
    await expect.poll(() => page.locator('.kernels canvas').count(), { timeout: 20_000 }).toBe(6);
    await session.context.setOffline(true);
    try {
      await page.reload();
      await page.goto(`${session.baseUrl}#backprop`);
      await expect
        .poll(() => page.locator('[data-grad-of=x]').count(), { timeout: 20_000 })
        .toBe(1);
      await page.locator('[data-action=backward]').click();
      expect(await page.locator('[data-grad-of=x]').textContent()).toBe('7');
      await page.goto(`${session.baseUrl}#draw`);
      await expect.poll(() => page.locator('.kernels canvas').count(), { timeout: 20_000 }).toBe(6);
    } finally {
      await session.context.setOffline(false);
    }
  });
});
