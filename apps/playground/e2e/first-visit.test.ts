// What a first visit used to break (issue 16): each checked in Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, startSession } from './harness.js';

let session: Session;
beforeAll(async () => {
  session = await startSession();
});
afterAll(async () => {
  await session?.close();
});

describe('Train page', () => {
  it('starts on the full 60,000 training and 10,000 test images', async () => {
    const page = await session.open('#train?size=60000&testSize=10000&epochs=1&threads=1');
    await page.locator('[data-action=start]').click();
    await expect
      .poll(() => page.locator('[data-testid=train-status]').textContent(), { timeout: 60_000 })
      .toMatch(/Training on 60,000 images, testing on 10,000|Pass 1 of 1/);
    await expect
      .poll(() => page.locator('[data-testid=train-status]').textContent(), { timeout: 60_000 })
      .toMatch(/Pass 1 of 1 · batch \d+ of 1875/);
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.close();
  });

  it('shows link values the menus do not list as what runs, and refuses invalid ones visibly', async () => {
    const page = await session.open('#train?batch=7&lr=0.002&size=abc');
    const batch = page.locator('select[name=batch]');
    await expect.poll(() => batch.inputValue(), { timeout: 20_000 }).toBe('7');
    expect(await batch.locator('option:checked').textContent()).toBe('7 (from the link)');
    expect(await page.locator('select[name=lr]').inputValue()).toBe('0.002');
    const notice = page.locator('#panel-train [data-testid=link-notice]');
    await expect.poll(() => notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain(
      'size=abc (expected an integer from 100 to 60000)',
    );
    expect(await page.locator('select[name=size]').inputValue()).toBe('10000');
    await page.close();
  });

  it('keeps the focus on a control when Start becomes disabled', async () => {
    const page = await session.open('#train?size=1000&testSize=1000&epochs=1&threads=1');
    await page.locator('[data-action=start]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-action=start]').isDisabled()).toBe(true);
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    expect(['Pause', 'Reset']).toContain(focused);
    await page.close();
  });
});

describe('Draw page', () => {
  it('says so when a link asks for a trained model that this tab does not have', async () => {
    const page = await session.open('#draw?model=trained&test=12000');
    const notice = page.locator('[data-testid=model-notice]');
    await expect.poll(() => notice.isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await notice.textContent()).toContain('showing the shipped LeNet-5');
    expect(await page.locator('select[name=model]').inputValue()).toBe('shipped');
    const linkNotice = page.locator('#panel-draw [data-testid=link-notice]');
    expect(await linkNotice.textContent()).toContain(
      'test=12000 (expected an integer from -1 to 9999)',
    );
    await page.close();
  });
});

describe('Results and Draw', () => {
  it('give the same answer for every listed mistake (the exact 28x28 test image)', async () => {
    const page = await session.open('#results');
    const gallery = page.locator('[data-testid=gallery] .gallery-item');
    await expect.poll(() => gallery.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const mistakes: { index: number; predicted: number }[] = await page.evaluate(() =>
      fetch('models/lenet5/metrics.json')
        .then((response) => response.json())
        .then((metrics) => metrics.misclassified),
    );
    expect(mistakes.length).toBeGreaterThan(50);
    await gallery.first().click();
    await expect
      .poll(() => page.locator('[data-testid=prediction]').getAttribute('data-digit'), {
        timeout: 20_000,
      })
      .toBe(String(mistakes[0].predicted));
    // Each mistake opened by its link, as a click does; the page answers in the same frame.
    const drawn: number[] = await page.evaluate(
      async (indices) => {
        const note = () => document.querySelector<HTMLElement>('#panel-draw .prediction .hint')!;
        const digits: number[] = [];
        for (const index of indices) {
          location.hash = `#draw?test=${index}`;
          const started = performance.now();
          while (note().dataset.test !== String(index)) {
            if (performance.now() - started > 5000) throw new Error(`test ${index} never loaded`);
            await new Promise((resolve) => requestAnimationFrame(resolve));
          }
          digits.push(
            Number(document.querySelector('[data-testid=prediction]')!.getAttribute('data-digit')),
          );
        }
        return digits;
      },
      mistakes.map((mistake) => mistake.index),
    );
    const disagreements = mistakes.filter((mistake, i) => drawn[i] !== mistake.predicted);
    expect(disagreements).toEqual([]);
  });
});

describe('Adder page', () => {
  it('stops by itself once every case is right', async () => {
    const page = await session.open('#adder?speed=20');
    await page.locator('[data-action=run]').click();
    const stop = page.locator('[data-testid=adder-stop]');
    await expect.poll(() => stop.getAttribute('data-reason'), { timeout: 30_000 }).toBe('solved');
    expect(await page.locator('[data-action=run]').textContent()).toBe('Train');
    expect(await page.locator('.truth-table tr.solved').count()).toBe(16);
    const status = await page.locator('.adder-status').textContent();
    await page.waitForTimeout(300);
    expect(await page.locator('.adder-status').textContent()).toBe(status);
    await page.close();
  });

  it('stops after 5,000 epochs when it is stuck in a local minimum', async () => {
    // 4-3-3 without direct connections, seed 0: never learns (see the page's note).
    const page = await session.open('#adder?direct=0&seed=0&speed=50');
    await page.locator('[data-action=run]').click();
    const stop = page.locator('[data-testid=adder-stop]');
    await expect.poll(() => stop.getAttribute('data-reason'), { timeout: 60_000 }).toBe('stuck');
    expect(await page.locator('.adder-status').textContent()).toContain('epoch 5000');
    await page.close();
  });
});

describe('Distortions page', () => {
  it('refuses a test image number that does not exist, visibly', async () => {
    const page = await session.open('#distortions?index=12000');
    const linkNotice = page.locator('#panel-distortions [data-testid=link-notice]');
    await expect.poll(() => linkNotice.textContent(), { timeout: 20_000 }).toContain('index=12000');
    const input = page.locator('input[name=index]');
    await input.fill('12000');
    await input.press('Enter');
    await expect
      .poll(() => page.locator('[data-testid=index-error]').textContent())
      .toContain('There is no test image #12000');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.distortion-view figure .hint').textContent()).toContain(
      'Test image #0,',
    );
    await input.fill('42');
    await input.press('Enter');
    await expect.poll(() => page.url()).toContain('index=42');
    expect(await page.locator('[data-testid=index-error]').textContent()).toBe('');
    await page.close();
  });
});

describe('Backprop page', () => {
  it('keeps the focus on a step button when Step becomes disabled', async () => {
    const page = await session.open('#backprop?expr=z%20%3D%20x*y&values=x%3D2%2C%20y%3D3');
    const next = page.locator('[data-action=step]');
    await next.focus();
    for (let i = 0; i < 10 && !(await next.isDisabled()); i++) await page.keyboard.press('Enter');
    expect(await next.isDisabled()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Previous step',
    );
    await page.close();
  });
});
