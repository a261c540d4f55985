import { startSession } from './harness.js';

const session = await startSession();
const docs = new URL('../docs/', import.meta.url).pathname;
const page = await session.open('#draw?test=0');
await page.setViewportSize({ width: 1280, height: 800 });
await page.locator('[data-testid=prediction][data-digit="7"]').waitFor({ timeout: 20_000 });
await page.locator('.draw-top').screenshot({ path: `${docs}draw.png` });
await page
  .locator('[data-layer=c3] canvas')
  .nth(4)
  .click({ position: { x: 20, y: 24 } });
await page.locator('[data-testid=explain] .connection-table').waitFor();
await page.locator('.explain-card').screenshot({ path: `${docs}draw-explain-c3.png` });
await page
  .locator('[data-layer=output] canvas')
  .first()
  .click({ position: { x: 7 * 22 + 5, y: 5 } });
await page.locator('[data-testid=explain][data-layer=output]').waitFor();
await page.locator('.explain-card').screenshot({ path: `${docs}draw-explain-output.png` });
// A dash: not a digit.
await page.getByRole('button', { name: 'Clear' }).click();
const box = (await page.locator('canvas.drawing-pad').boundingBox())!;
await page.mouse.move(box.x + 0.3 * box.width, box.y + 0.5 * box.height);
await page.mouse.down();
await page.mouse.move(box.x + 0.7 * box.width, box.y + 0.5 * box.height, { steps: 6 });
await page.mouse.up();
await page.locator('[data-testid=prediction][data-verdict=not-a-digit]').waitFor();
await page.locator('.draw-top').screenshot({ path: `${docs}draw-not-a-digit.png` });
await page.close();

const phone = await session.open('#draw?test=1');
await phone.setViewportSize({ width: 390, height: 844 });
await phone.locator('[data-testid=prediction][data-digit="2"]').waitFor({ timeout: 20_000 });
await phone.screenshot({ path: `${docs}draw-phone.png` });
await phone.close();

const train = await session.open('#train?size=5000&testSize=1000&epochs=2&threads=2');
await train.setViewportSize({ width: 1280, height: 800 });
await train.locator('[data-action=start]').click();
await train.locator('#panel-train .panel-body[data-state=done]').waitFor({ timeout: 120_000 });
await train.locator('.train-layout').screenshot({ path: `${docs}train.png` });
await train.locator('.watch').screenshot({ path: `${docs}train-watch.png` });
await train.close();
await session.close();
