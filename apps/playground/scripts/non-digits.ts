/**
 * Real non-digits drawn on a 280x280 canvas as the Draw page's pad holds them (black ink,
 * round 20 px strokes): letters and symbols in Chromium's fonts, pen strokes (dashes, arcs,
 * crosses, scribbles) and blank noise (scattered specks). Rendered by Debian's Chromium
 * through playwright-core; the ink (alpha) comes back as bytes. Seeded: the same every run.
 */
import { chromium } from 'playwright-core';

export interface InkImage {
  kind: 'letter' | 'symbol' | 'stroke' | 'noise';
  /** What was drawn, e.g. "A (serif)" or "arc". */
  name: string;
  /** 280 x 280 ink in [0, 1]. */
  ink: Float32Array;
}

export const PAD = 280;

/** Runs in the page: draws every image and returns its alpha channel, base64. */
function drawAll(pad: number): { kind: string; name: string; alpha: string }[] {
  let state = 12345;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const between = (low: number, high: number) => low + random() * (high - low);
  const canvas = document.createElement('canvas');
  canvas.width = pad;
  canvas.height = pad;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  const out: { kind: string; name: string; alpha: string }[] = [];
  const capture = (kind: string, name: string) => {
    const data = context.getImageData(0, 0, pad, pad).data;
    let binary = '';
    for (let i = 3; i < data.length; i += 4) binary += String.fromCharCode(data[i]);
    out.push({ kind, name, alpha: btoa(binary) });
  };
  const pen = () => {
    context.clearRect(0, 0, pad, pad);
    context.strokeStyle = '#000';
    context.fillStyle = '#000';
    context.lineWidth = 20;
    context.lineCap = 'round';
    context.lineJoin = 'round';
  };
  const point = () => ({ x: between(30, pad - 30), y: between(30, pad - 30) });

  const glyph = (kind: string, text: string, font: string) => {
    pen();
    const size = Math.round(between(150, 230));
    context.font = `${random() < 0.5 ? 'bold ' : ''}${size}px ${font}`;
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    context.fillText(text, pad / 2 + between(-25, 25), pad / 2 + between(-20, 20));
    capture(kind, `${text} (${font})`);
  };
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  for (const font of ['sans-serif', 'serif', 'monospace']) {
    for (const letter of letters) glyph('letter', letter, font);
  }
  for (const font of ['sans-serif', 'serif']) {
    for (const symbol of '+×÷=#@&%?!*/<>~$§¶πΩ∞') glyph('symbol', symbol, font);
  }

  for (let n = 0; n < 160; n++) {
    pen();
    const shape = ['dash', 'line', 'cross', 'arc', 'scribble', 'dot'][n % 6];
    context.beginPath();
    if (shape === 'dash') {
      const y = between(60, pad - 60);
      const x = between(20, 100);
      context.moveTo(x, y);
      context.lineTo(x + between(80, 180), y + between(-12, 12));
    } else if (shape === 'line') {
      const from = point();
      const angle = between(0, Math.PI);
      const length = between(60, 220);
      context.moveTo(from.x, from.y);
      context.lineTo(from.x + length * Math.cos(angle), from.y + length * Math.sin(angle));
    } else if (shape === 'cross') {
      const centre = point();
      const size = between(40, 100);
      context.moveTo(centre.x - size, centre.y - size);
      context.lineTo(centre.x + size, centre.y + size);
      context.moveTo(centre.x + size, centre.y - size);
      context.lineTo(centre.x - size, centre.y + size);
    } else if (shape === 'arc') {
      const start = between(0, 2 * Math.PI);
      context.arc(pad / 2, pad / 2, between(40, 100), start, start + between(1, 4.5));
    } else if (shape === 'scribble') {
      let at = point();
      context.moveTo(at.x, at.y);
      const steps = 3 + Math.floor(random() * 6);
      for (let s = 0; s < steps; s++) {
        at = point();
        context.lineTo(at.x, at.y);
      }
    } else {
      const at = point();
      context.arc(at.x, at.y, between(10, 40), 0, 2 * Math.PI);
      context.fill();
    }
    context.stroke();
    capture('stroke', shape);
  }

  for (let n = 0; n < 80; n++) {
    pen();
    const specks = 5 + Math.floor(random() * 150);
    for (let s = 0; s < specks; s++) {
      const at = { x: between(0, pad), y: between(0, pad) };
      context.globalAlpha = between(0.2, 1);
      context.beginPath();
      context.arc(at.x, at.y, between(1, 10), 0, 2 * Math.PI);
      context.fill();
    }
    context.globalAlpha = 1;
    capture('noise', `${specks} specks`);
  }
  return out;
}

/** Renders every non-digit in Chromium (`executablePath`, e.g. /usr/bin/chromium). */
export async function renderNonDigits(executablePath: string): Promise<InkImage[]> {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>non-digits</title>');
    // tsx keeps function names with a helper the page does not have.
    await page.evaluate('globalThis.__name = (target) => target');
    const drawn = await page.evaluate(drawAll, PAD);
    return drawn.map(({ kind, name, alpha }) => {
      const bytes = Buffer.from(alpha, 'base64');
      return {
        kind: kind as InkImage['kind'],
        name,
        ink: Float32Array.from(bytes, (value) => value / 255),
      };
    });
  } finally {
    await browser.close();
  }
}
