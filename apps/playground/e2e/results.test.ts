import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, startSession } from './harness.js';

let session: Session;
beforeAll(async () => {
  session = await startSession();
});
afterAll(async () => {
  await session?.close();
});

describe('Results page', () => {
  it('shows the confusion matrix and the mistakes; a click opens one in Draw with the same answer', async () => {
    const page = await session.open('#results');
    const gallery = page.locator('[data-testid=gallery] .gallery-item');
    await expect.poll(() => gallery.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const metrics = await page.evaluate(() =>
      fetch('models/lenet5/metrics.json').then((response) => response.json()),
    );
    expect(await gallery.count()).toBe(metrics.testErrors);
    expect(await page.locator('[data-testid=test-error]').textContent()).toBe(
      `${metrics.testError.toFixed(2)}%`,
    );
    expect(await page.locator('[data-testid=confusion] td').count()).toBe(100);
    await session.screenshot(page, 'results');

    const first = metrics.misclassified[0];
    await gallery.first().click();
    await expect.poll(() => page.url()).toContain(`#draw?test=${first.index}`);
    await expect
      .poll(() => page.locator('[data-testid=prediction]').getAttribute('data-digit'), {
        timeout: 20_000,
      })
      .toBe(String(first.predicted));
    await session.screenshot(page, 'results-to-draw');
  });
});
