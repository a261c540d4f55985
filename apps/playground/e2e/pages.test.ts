import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, startSession } from './harness.js';

let session: Session;
beforeAll(async () => {
  session = await startSession();
});
afterAll(async () => {
  await session?.close();
});

describe('Adder page', () => {
  it('learns the 2-bit adder: every row of the truth table turns green', async () => {
    const page = await session.open('#adder?speed=20');
    await page.locator('[data-action=run]').click();
    await expect
      .poll(() => page.locator('.truth-table tr.solved').count(), { timeout: 20_000 })
      .toBe(16);
    expect(await page.locator('.adder-status').textContent()).toContain('solved at epoch');
    await session.screenshot(page, 'adder');
  });
});

describe('Distortions page', () => {
  it('redraws the grid of samples when a slider moves', async () => {
    const page = await session.open('#distortions?index=3');
    const grid = page.locator('[data-testid=sample-grid]');
    await expect
      .poll(() => grid.getAttribute('data-signature'), { timeout: 20_000 })
      .not.toBeNull();
    const pixels = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLCanvasElement>('[data-testid=sample-grid] canvas')]
          .map((canvas) => canvas.toDataURL())
          .join(''),
      );
    const before = await pixels();
    const rotation = page.locator('input[name=rotate]');
    await rotation.focus();
    for (let i = 0; i < 20; i++) await rotation.press('ArrowRight');
    await expect.poll(pixels).not.toBe(before);
    expect(page.url()).toContain('rotate=20');
    await session.screenshot(page, 'distortions');
  });
});
