import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, screenshotDir, startSession } from './harness.js';

let session: Session;
beforeAll(async () => {
  session = await startSession();
});
afterAll(async () => {
  await session?.close();
});

/** Drags the mouse through `points` (fractions of the pad's size). */
async function drawStroke(page: Page, points: [number, number][]): Promise<void> {
  const box = (await page.locator('canvas.drawing-pad').boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const point of points.slice(1)) await page.mouse.move(...at(point), { steps: 2 });
  await page.mouse.up();
}

async function predictionAfter(page: Page, points: [number, number][]): Promise<string | null> {
  await page.getByRole('button', { name: 'Clear' }).click();
  await drawStroke(page, points);
  const prediction = page.locator('[data-testid=prediction]');
  await expect
    .poll(() => prediction.getAttribute('data-digit'), { timeout: 20_000 })
    .not.toBeNull();
  return prediction.getAttribute('data-digit');
}

describe('Draw page', () => {
  it('reads a vertical stroke as 1', async () => {
    const page = await session.open('#draw');
    await expect
      .poll(() => page.locator('.layer-maps canvas').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    const stroke: [number, number][] = Array.from({ length: 12 }, (_, i) => [
      0.5,
      0.15 + (0.7 * i) / 11,
    ]);
    expect(await predictionAfter(page, stroke)).toBe('1');
    // every layer is shown: C1 6 maps, S2 6, C3 16, S4 16, C5, F6 (and beside it the RBF code
    // of the answer), output; and 6 kernels
    for (const [layer, count] of [
      ['c1', 6],
      ['s2', 6],
      ['c3', 16],
      ['s4', 16],
      ['c5', 1],
      ['f6', 2],
      ['output', 1],
    ] as const) {
      expect(await page.locator(`[data-layer=${layer}] canvas`).count()).toBe(count);
    }
    expect(await page.locator('.kernels canvas').count()).toBe(6);
    // Unit values can be read with the keyboard as well as by pointing.
    await page.locator('[data-layer=c1] .layer-maps').focus();
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(() => page.locator('.tooltip').textContent())
      .toMatch(/^c1 map 1 \(1, 0\): -?\d+\.\d{4}$/);
    await session.screenshot(page, 'draw-one');
    // Readable on a phone: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await session.screenshot(page, 'draw-phone');
  });

  it('explains a clicked unit of every layer: the sum gives the value the layer output', async () => {
    const page = await session.open('#draw?test=0');
    await expect
      .poll(() => page.locator('[data-testid=prediction]').getAttribute('data-digit'), {
        timeout: 20_000,
      })
      .toBe('7');
    const explain = page.locator('[data-testid=explain]');
    for (const layer of ['c1', 's2', 'c3', 's4', 'c5', 'f6', 'output']) {
      await page
        .locator(`[data-layer=${layer}] canvas`)
        .first()
        .click({ position: { x: 2, y: 2 } });
      await expect.poll(() => explain.getAttribute('data-layer')).toBe(layer);
      const sum = (await explain.locator('[data-testid=explain-sum]').textContent())!;
      const value = sum.match(/= (\S+)$/)![1];
      expect(await explain.locator('[data-testid=explain-check]').textContent()).toBe(
        `The layer output ${value} for this unit.`,
      );
      if (layer === 'c3') {
        // C3 map 0 reads S2 maps 0, 1 and 2: three windows and kernels, and the table.
        expect(await explain.locator('.explain-term').count()).toBe(3);
        expect(await explain.locator('.connection-table').count()).toBe(1);
      }
      if (layer === 'c5') expect(await explain.locator('.explain-term').count()).toBe(16);
    }
    await session.screenshot(page, 'draw-explain');
  });

  it('says how sure it is, calibrated, and when a drawing does not look like a digit', async () => {
    const page = await session.open('#draw?test=0');
    const prediction = page.locator('[data-testid=prediction]');
    await expect.poll(() => prediction.getAttribute('data-digit'), { timeout: 20_000 }).toBe('7');
    expect(await prediction.getAttribute('data-verdict')).toBe('digit');
    const confidence = Number(await prediction.getAttribute('data-confidence'));
    expect(confidence).toBeGreaterThan(0.9);
    expect(confidence).toBeLessThan(1);
    expect(await page.locator('.prediction .hint').textContent()).toContain(
      'confidence calibrated on held-out test digits',
    );
    // The horizontal dash the issue saw read as "7 · 100.0% sure" is no digit. (A zigzag
    // still reads as a 4: see the README's figures for what the threshold catches.)
    await predictionAfter(page, [
      [0.3, 0.5],
      [0.5, 0.5],
      [0.7, 0.5],
    ]);
    await expect.poll(() => prediction.getAttribute('data-verdict')).toBe('not-a-digit');
    expect(await prediction.textContent()).toBe('?');
    expect(await page.locator('.prediction .hint').textContent()).toContain(
      'This does not look like a digit',
    );
    await session.screenshot(page, 'draw-not-a-digit');
  });

  it('reads a ring as 0 (and reports the time of one redraw)', async () => {
    const page = await session.open('#draw');
    await expect
      .poll(() => page.locator('.layer-maps canvas').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    const ring: [number, number][] = Array.from({ length: 33 }, (_, i) => {
      const angle = (2 * Math.PI * i) / 32;
      return [0.5 + 0.22 * Math.sin(angle), 0.5 - 0.32 * Math.cos(angle)];
    });
    expect(await predictionAfter(page, ring)).toBe('0');
    // Time preprocessing + forward + all activations over repeated redraws (first ones warm up).
    const timings = await page.evaluate(async () => {
      const pad = document.querySelector<HTMLCanvasElement>('canvas.drawing-pad')!;
      const timing = document.querySelector<HTMLElement>('[data-testid=timing]')!;
      const rect = pad.getBoundingClientRect();
      const values: number[] = [];
      for (let i = 0; i < 40; i++) {
        const x = rect.left + rect.width * (0.45 + 0.002 * i);
        const y = rect.top + rect.height * 0.5;
        pad.dispatchEvent(
          new PointerEvent('pointerdown', { clientX: x, clientY: y, pointerId: 1, bubbles: true }),
        );
        pad.dispatchEvent(
          new PointerEvent('pointerup', { clientX: x, clientY: y, pointerId: 1, bubbles: true }),
        );
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        values.push(Number(timing.dataset.ms));
      }
      return values.slice(10).sort((a, b) => a - b);
    });
    const median = timings[Math.floor(timings.length / 2)];
    console.log(
      `draw: preprocessing + prediction + all activations, median ${median.toFixed(2)} ms over ${timings.length} redraws`,
    );
    // Reported, not asserted: timings on a shared 2-core CI machine are noise.
    writeFileSync(
      join(screenshotDir, 'draw-timing.json'),
      `${JSON.stringify({ medianMs: median, samples: timings })}\n`,
    );
    expect(Number.isFinite(median)).toBe(true);
    await session.screenshot(page, 'draw-zero');
  });
});
