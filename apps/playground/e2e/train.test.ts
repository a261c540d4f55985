import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors } from '@lenet/nn-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, screenshotDir, startSession } from './harness.js';

let session: Session;
beforeAll(async () => {
  session = await startSession();
});
afterAll(async () => {
  await session?.close();
});

describe('Train page', () => {
  it('trains LeNet-5 for one pass on 1,000 images in the worker: charts update, error < 50%', async () => {
    const page = await session.open('#train?size=1000&testSize=1000&epochs=1&batch=8&lr=0.003');
    await page.locator('[data-action=start]').click();
    const panel = page.locator('#panel-train .panel-body');
    const kernels = page.locator('[data-testid=watch-kernels]');
    await expect
      .poll(() => kernels.getAttribute('data-checksum'), { timeout: 30_000 })
      .not.toBeNull();
    const firstKernels = await kernels.getAttribute('data-checksum');
    await expect
      .poll(() => panel.getAttribute('data-state'), { timeout: 90_000, interval: 500 })
      .toBe('done');
    // Watching it learn: the kernels were redrawn, every watched digit has an answer, and
    // the pass's mistakes are shown.
    expect(await kernels.getAttribute('data-checksum')).not.toBe(firstKernels);
    expect(await kernels.locator('canvas').count()).toBe(6);
    expect(await page.locator('[data-testid=watch-strip] figure[data-predicted]').count()).toBe(10);
    const status = await page.locator('[data-testid=train-status]').textContent();
    expect(status).toMatch(/^Done: 1 pass, test error/);
    const testError = Number(
      await page
        .locator('[data-testid=epoch-table] tr[data-test-error]')
        .getAttribute('data-test-error'),
    );
    expect(testError).toBeLessThan(50);
    expect(await page.locator('[data-testid=watch-mistakes] figure').count()).toBe(
      Math.min(40, Math.round(testError * 10)),
    );
    expect(
      Number(await page.locator('[data-testid=loss-chart]').getAttribute('data-points')),
    ).toBeGreaterThan(3);
    expect(await page.locator('[data-testid=error-chart]').getAttribute('data-points')).toBe('1');
    // The legends read the latest values without hovering.
    const legend = await page
      .locator('[data-testid=error-chart] .u-legend .u-value')
      .evaluateAll((cells) => cells.map((cell) => cell.textContent));
    expect(legend[0]).toBe('1');
    expect(Number(legend[1])).toBeCloseTo(testError, 1);
    const imagesPerSecond = Number(
      await page.locator('[data-testid=throughput]').getAttribute('data-images-per-second'),
    );
    expect(imagesPerSecond).toBeGreaterThan(0);
    console.log(
      `train: LeNet-5, 1,000 images, batch 8, Adam 0.003: ${imagesPerSecond.toFixed(0)} images/s in the worker, test error ${testError.toFixed(1)}% on 1,000`,
    );
    writeFileSync(
      join(screenshotDir, 'train-throughput.json'),
      `${JSON.stringify({ imagesPerSecond, testError })}\n`,
    );
    await session.screenshot(page, 'train');

    // The fresh weights as a file in the command line's format (`lenet predict` reads it).
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-action=download-weights]').click(),
    ]);
    expect(download.suggestedFilename()).toBe('model.safetensors');
    const file = new Uint8Array(readFileSync(await download.path()));
    const settings = JSON.parse(decodeSafetensors(file).metadata['lenet.settings']);
    expect(settings).toMatchObject({
      model: 'lenet5',
      loss: 'rbf-map',
      batchSize: 8,
      input: { normalization: 'paper', padding: 2 },
    });
    copyFileSync(await download.path(), join(screenshotDir, 'trained-model.safetensors'));

    // The fresh weights go to the Draw page.
    await page.locator('[data-action=use-weights]').click();
    await expect.poll(() => page.url()).toContain('#draw?model=trained');
    await expect
      .poll(() => page.locator('#panel-draw select[name=model]').inputValue())
      .toBe('trained');
  });

  it("trains with the paper's SDLM on 2 threads: error falls pass after pass", async () => {
    const page = await session.open(
      '#train?size=1000&testSize=1000&epochs=2&batch=4&optimizer=sdlm&lr=0.0001&seed=3&threads=2',
    );
    expect(await page.locator('select[name=optimizer]').inputValue()).toBe('sdlm');
    await page.locator('[data-action=start]').click();
    const panel = page.locator('#panel-train .panel-body');
    await expect
      .poll(() => panel.getAttribute('data-state'), { timeout: 90_000, interval: 250 })
      .toBe('done');
    expect(await page.locator('[data-testid=train-status]').textContent()).toMatch(
      /^Done: 2 passes, test error/,
    );
    expect(await page.locator('[data-testid=parallel-mode]').getAttribute('data-threads')).toBe(
      '2',
    );
    const testErrors = (
      await page
        .locator('[data-testid=epoch-table] tr[data-test-error]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-test-error')))
    ).map(Number);
    // SDLM cannot step without its curvature: a pass that learns shows it was estimated.
    expect(testErrors).toHaveLength(2);
    expect(testErrors[0]).toBeLessThan(60);
    expect(testErrors[1]).toBeLessThan(testErrors[0]);
    console.log(`train: SDLM, batch 4, 2 threads: test error ${testErrors.join('% -> ')}%`);
  });

  it('pauses between batches, resumes, and resets', async () => {
    const page = await session.open('#train?size=10000&testSize=1000&epochs=1&batch=8');
    const panel = page.locator('#panel-train .panel-body');
    const status = page.locator('[data-testid=train-status]');
    await page.locator('[data-action=start]').click();
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/batch \d+ of 1250/);
    const rowOf = async () =>
      (await page.locator('[data-action=pause]').boundingBox())?.y ===
      (await page.getByRole('button', { name: 'Reset' }).boundingBox())?.y;
    expect(await rowOf()).toBe(true);
    await page.locator('[data-action=pause]').click();
    await expect.poll(() => panel.getAttribute('data-state')).toBe('paused');
    // "Resume" is longer than "Pause": the buttons stay on one row.
    expect(await page.locator('[data-action=pause]').textContent()).toBe('Resume');
    expect(await rowOf()).toBe(true);
    const pausedAt = await status.textContent();
    await page.waitForTimeout(600);
    expect(await status.textContent()).toBe(pausedAt);
    await page.locator('[data-action=pause]').click();
    await expect.poll(() => status.textContent()).not.toBe(pausedAt);
    expect(await panel.getAttribute('data-state')).toBe('running');
    await page.getByRole('button', { name: 'Reset' }).click();
    expect(await panel.getAttribute('data-state')).toBe('idle');
    expect(await status.textContent()).toBe('Ready.');
  });
});
