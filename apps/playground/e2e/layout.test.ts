// Layout at a desktop and a phone size: what used to overflow, hide or mislead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, startSession } from './harness.js';

let session: Session;
beforeAll(async () => {
  session = await startSession();
});
afterAll(async () => {
  await session?.close();
});

const TANH =
  '#backprop?expr=o%20%3D%20tanh(x1*w1%20%2B%20x2*w2%20%2B%20b)&values=x1%3D2%2C%20w1%3D-3%2C%20x2%3D0%2C%20w2%3D1%2C%20b%3D6.88';

describe.each([
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
])('at $width x $height', (viewport) => {
  it('shows every tab and fits the backprop graph in its box', async () => {
    const page = await session.open(TANH);
    await page.setViewportSize(viewport);
    await page.locator('g.value-node[data-label=o]').waitFor();
    const tabs = await page
      .locator('#nav a')
      .evaluateAll((links) => links.map((link) => link.getBoundingClientRect().toJSON()));
    expect(tabs).toHaveLength(6);
    for (const tab of tabs) {
      expect(tab.left).toBeGreaterThanOrEqual(0);
      expect(tab.right).toBeLessThanOrEqual(viewport.width);
    }
    const fit = await page.evaluate(() => {
      const holder = document.querySelector('.graph-holder')!.getBoundingClientRect();
      const graph = document.querySelector('svg.autograd-graph')!.getBoundingClientRect();
      const output = document.querySelector('g.value-node[data-label=o]')!.getBoundingClientRect();
      return { holder: holder.toJSON(), graph: graph.toJSON(), output: output.toJSON() };
    });
    expect(fit.graph.width).toBeLessThanOrEqual(fit.holder.width);
    expect(fit.output.right).toBeLessThanOrEqual(fit.holder.right);
    await page.close();
  });

  it('draws: empty bars before drawing, the answer near the pad, sharp test digits', async () => {
    const page = await session.open('#draw');
    await page.setViewportSize(viewport);
    await page.locator('.drawing-pad').waitFor();
    const barWidths = await page
      .locator('.score-table .bar')
      .evaluateAll((bars) => bars.map((bar) => bar.getBoundingClientRect().width));
    expect(barWidths).toEqual(new Array(10).fill(0));

    await page.getByRole('button', { name: 'Load a test image of a 7' }).click();
    await expect
      .poll(() => page.locator('[data-testid=prediction]').getAttribute('data-digit'), {
        timeout: 20_000,
      })
      .toBe('7');
    const gap = await page.evaluate((phone) => {
      const pad = document.querySelector('.drawing-pad')!.getBoundingClientRect();
      const answer = document
        .querySelector(phone ? '[data-testid=pad-answer]' : '[data-testid=prediction]')!
        .getBoundingClientRect();
      return { below: answer.top - pad.bottom, bottom: answer.bottom };
    }, viewport.width < 700);
    // Beside the pad on a desktop; on a phone a line right under it, on the first screen.
    expect(gap.below).toBeLessThan(viewport.width < 700 ? 40 : 0);
    expect(gap.bottom).toBeLessThan(viewport.height);
    if (viewport.width < 700) {
      expect(await page.locator('[data-testid=pad-answer]').textContent()).toMatch(/^7 · \d/);
    }
    // Each pixel of the 28x28 image is one flat 10x10 square of the 280-pixel pad.
    const blurred = await page.evaluate(() => {
      const pad = document.querySelector<HTMLCanvasElement>('.drawing-pad')!;
      const data = pad.getContext('2d')!.getImageData(0, 0, 280, 280).data;
      let mixed = 0;
      for (let cy = 0; cy < 28; cy++) {
        for (let cx = 0; cx < 28; cx++) {
          const first = data[4 * (cy * 10 * 280 + cx * 10) + 3];
          for (let y = 0; y < 10; y++) {
            for (let x = 0; x < 10; x++) {
              if (data[4 * ((cy * 10 + y) * 280 + cx * 10 + x) + 3] !== first) mixed++;
            }
          }
        }
      }
      return mixed;
    });
    expect(blurred).toBe(0);
    await page.close();
  });
});
