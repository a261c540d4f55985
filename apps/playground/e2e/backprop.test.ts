import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, startSession } from './harness.js';

let session: Session;
beforeAll(async () => {
  session = await startSession();
});
afterAll(async () => {
  await session?.close();
});

describe('Backprop page', () => {
  it('shows grad 7 on x and 2 on y for z = x*y + x^2 at x=2, y=3', async () => {
    const page = await session.open('#backprop');
    await page.locator('input[name=expression]').fill('z = x*y + x^2');
    await page.locator('input[name=values]').fill('x=2, y=3');
    await page.locator('input[name=values]').press('Enter');
    await page.locator('[data-action=step]').click();
    await expect.poll(() => page.locator('.step-text').textContent()).toContain('Seed');
    await page.locator('[data-action=backward]').click();
    await expect.poll(() => page.locator('[data-grad-of=x]').textContent()).toBe('7');
    expect(await page.locator('[data-grad-of=y]').textContent()).toBe('2');
    expect(await page.locator('g.value-node[data-label=x]').getAttribute('data-grad')).toBe('7');
    expect(await page.locator('g.value-node[data-label=z]').getAttribute('data-data')).toBe('10');
    expect(page.url()).toContain('#backprop');
    await session.screenshot(page, 'backprop');
  });
});
