// axe-core on every page at a desktop and a phone size: zero violations.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSource, violations } from './axe.js';
import { type Session, startSession } from './harness.js';

/** Each page in the state a visitor sees once it has loaded (and done something). */
const PAGES: { hash: string; ready: (page: Page) => Promise<unknown> }[] = [
  {
    hash: '#draw?test=0',
    ready: async (page) => {
      await expect
        .poll(() => page.locator('[data-testid=prediction]').getAttribute('data-digit'), {
          timeout: 20_000,
        })
        .toBe('7');
      // The explanation of a C3 unit: windows, kernels and the connection table.
      await page
        .locator('[data-layer=c3] canvas')
        .first()
        .click({ position: { x: 2, y: 2 } });
      await page.locator('[data-testid=explain] .connection-table').waitFor();
    },
  },
  {
    hash: '#train?size=1000&testSize=1000&epochs=1&threads=1',
    ready: async (page) => {
      // After a pass: charts, the watched digits, kernels, mistakes and the table of passes.
      await page.locator('[data-action=start]').click();
      await expect
        .poll(() => page.locator('#panel-train .panel-body').getAttribute('data-state'), {
          timeout: 60_000,
        })
        .toBe('done');
    },
  },
  {
    hash: '#backprop',
    ready: async (page) => {
      await page.locator('[data-action=step]').click();
      await page.locator('g.value-node').first().waitFor();
    },
  },
  {
    hash: '#adder',
    ready: async (page) => {
      await page.locator('.truth-table tr').nth(16).waitFor();
      // Some rows right, some wrong: both colours are checked.
      await page.evaluate(() => {
        const button = [...document.querySelectorAll('button')].find(
          (item) => item.textContent === 'One epoch',
        )!;
        for (let i = 0; i < 30; i++) button.click();
      });
    },
  },
  {
    hash: '#distortions',
    ready: (page) =>
      expect
        .poll(() => page.locator('[data-testid=sample-grid]').getAttribute('data-signature'), {
          timeout: 20_000,
        })
        .not.toBeNull(),
  },
  {
    hash: '#results',
    ready: (page) =>
      expect
        .poll(() => page.locator('[data-testid=gallery] .gallery-item').count(), {
          timeout: 20_000,
        })
        .toBeGreaterThan(0),
  },
];

let session: Session;
beforeAll(async () => {
  session = await startSession();
});
afterAll(async () => {
  await session?.close();
});

const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

describe('axe-core', () => {
  it('finds no violation on any page at 1280x800 and 390x844', async () => {
    const found: string[] = [];
    // One tab, each page reached by its link as a visitor would, checked at both sizes once
    // it is ready (the pages stay mounted, so each gets ready only once).
    const page = await session.open();
    await page.setViewportSize(SIZES[0]);
    await page.addScriptTag({ content: axeSource });
    for (const { hash, ready } of PAGES) {
      await page.evaluate((target) => {
        location.hash = target;
      }, hash);
      await ready(page);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        const lines = await violations(page);
        found.push(...lines.map((line) => `${hash} at ${size.width}x${size.height}: ${line}`));
      }
      await page.setViewportSize(SIZES[0]);
    }
    await page.close();
    expect(found).toEqual([]);
  });
});
