import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { type GrayImage, grayImage } from './gray-image.js';
import { renderDigitPng } from './image-testing.js';
import { MNIST_SIZE, toMnistDigit } from './mnist-digit.js';
import { decodePngToGray, ImageReadError } from './png-gray.js';

/** A "7"-like stroke pattern: a bar on top and a diagonal, on a canvas of the given size. */
function sevenLike(width: number, height: number): GrayImage {
  const pixels = new Float32Array(width * height);
  const thickness = Math.max(1, Math.round(Math.min(width, height) / 8));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const top =
        y >= height * 0.2 && y < height * 0.2 + thickness && x >= width * 0.25 && x < width * 0.75;
      const diagonalX = width * 0.75 - ((y - height * 0.2) / (height * 0.6)) * width * 0.35;
      const diagonal =
        y >= height * 0.2 && y < height * 0.8 && Math.abs(x - diagonalX) < thickness / 2 + 0.5;
      if (top || diagonal) pixels[y * width + x] = 1;
    }
  }
  return grayImage(width, height, pixels);
}

function massCenter(pixels: Uint8Array): [number, number] {
  let mass = 0;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < pixels.length; i++) {
    mass += pixels[i];
    sumX += (i % MNIST_SIZE) * pixels[i];
    sumY += Math.floor(i / MNIST_SIZE) * pixels[i];
  }
  return [sumX / mass, sumY / mass];
}

function inkBoxSize(pixels: Uint8Array): [number, number] {
  let left = MNIST_SIZE;
  let right = -1;
  let top = MNIST_SIZE;
  let bottom = -1;
  for (let i = 0; i < pixels.length; i++) {
    if (pixels[i] === 0) continue;
    const x = i % MNIST_SIZE;
    const y = Math.floor(i / MNIST_SIZE);
    left = Math.min(left, x);
    right = Math.max(right, x);
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
  }
  return [right - left + 1, bottom - top + 1];
}

function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length / 255;
}

describe('toMnistDigit', () => {
  it('fits the ink into a 20-pixel box keeping the aspect ratio and centers it by mass', () => {
    const digit = toMnistDigit(sevenLike(120, 160));
    const [width, height] = inkBoxSize(digit.pixels);
    expect(height).toBe(20);
    expect(width).toBeGreaterThanOrEqual(14);
    expect(width).toBeLessThanOrEqual(16); // 120/160 * 20 = 15, plus anti-aliased edges
    const [centerX, centerY] = massCenter(digit.pixels);
    expect(Math.abs(centerX - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(centerY - 14)).toBeLessThanOrEqual(0.5);
    expect(digit.inverted).toBe(false);
  });

  it('keeps a tall thin stroke thin (aspect kept, not stretched to 20x20)', () => {
    const pixels = new Float32Array(50 * 100);
    for (let y = 10; y < 90; y++) for (let x = 20; x < 30; x++) pixels[y * 50 + x] = 1;
    const digit = toMnistDigit(grayImage(50, 100, pixels));
    expect(inkBoxSize(digit.pixels)).toEqual([3, 20]); // 10x80 -> 2.5x20, rounded to 3
    expect(digit.box).toEqual({ x: 20, y: 10, width: 10, height: 80 });
  });

  it('gives the same digit from any size, either polarity and any color format', () => {
    const reference = toMnistDigit(sevenLike(28, 28)).pixels;
    const variants = [
      renderDigitPng(sevenLike(28, 28), { width: 200, height: 200, darkOnLight: true }),
      renderDigitPng(sevenLike(28, 28), {
        width: 90,
        height: 90,
        format: 'rgb',
        darkOnLight: true,
        inkColor: [20, 20, 160],
      }),
      renderDigitPng(sevenLike(28, 28), {
        width: 64,
        height: 64,
        format: 'rgba',
        inkColor: [0, 0, 0],
      }),
      renderDigitPng(sevenLike(28, 28), {
        width: 64,
        height: 64,
        format: 'rgba',
        inkColor: [255, 255, 255],
      }),
      renderDigitPng(sevenLike(28, 28), { width: 56, height: 56, format: 'gray16' }),
    ];
    for (const png of variants) {
      const digit = toMnistDigit(decodePngToGray(png));
      expect(meanAbsoluteDifference(digit.pixels, reference)).toBeLessThan(0.05);
    }
  });

  it('reports which images it inverted', () => {
    const darkOnLight = decodePngToGray(renderDigitPng(sevenLike(40, 40), { darkOnLight: true }));
    expect(toMnistDigit(darkOnLight).inverted).toBe(true);
  });

  it('rejects an image with no ink', () => {
    const blank = grayImage(30, 30, new Float32Array(900).fill(0.7));
    expect(() => toMnistDigit(blank)).toThrow(/no digit found: the 30x30 image has no contrast/);
  });
});

describe('decodePngToGray', () => {
  it('decodes gray, 1-bit, RGB and RGBA PNGs to luminance in [0, 1]', () => {
    const gray = decodePngToGray(
      encode({ width: 2, height: 1, data: new Uint8Array([0, 255]), channels: 1, depth: 8 }),
    );
    expect(Array.from(gray.pixels)).toEqual([0, 1]);
    // 1-bit rows are packed into bytes: 0b10100000 = pixels 1, 0, 1.
    const bits = decodePngToGray(
      encode({ width: 3, height: 1, data: new Uint8Array([0b1010_0000]), channels: 1, depth: 1 }),
    );
    expect(Array.from(bits.pixels)).toEqual([1, 0, 1]);
    const rgb = decodePngToGray(
      encode({ width: 1, height: 1, data: new Uint8Array([255, 0, 0]), channels: 3, depth: 8 }),
    );
    expect(rgb.pixels[0]).toBeCloseTo(0.299, 5);
    const rgba = decodePngToGray(
      encode({
        width: 2,
        height: 1,
        data: new Uint8Array([0, 0, 0, 255, 0, 0, 0, 0]),
        channels: 4,
        depth: 8,
      }),
    );
    // Dark opaque ink on transparent paper: the paper becomes white.
    expect(Array.from(rgba.pixels)).toEqual([0, 1]);
  });

  it('decodes palette PNGs', () => {
    const png = encode({
      width: 2,
      height: 1,
      data: new Uint8Array([0b0000_0001]), // indices 0 (white), 1 (black)
      channels: 1,
      depth: 4,
      palette: [
        [255, 255, 255],
        [0, 0, 0],
      ],
    });
    expect(Array.from(decodePngToGray(png).pixels)).toEqual([1, 0]);
  });

  it('names the file and the problem when the bytes are not a readable PNG', () => {
    const text = new TextEncoder().encode('hello, I am not an image');
    expect(() => decodePngToGray(text, 'note.txt')).toThrow(ImageReadError);
    expect(() => decodePngToGray(text, 'note.txt')).toThrow('note.txt: not a PNG file');
    const png = renderDigitPng(sevenLike(28, 28));
    expect(() => decodePngToGray(png.subarray(0, 40), 'cut.png')).toThrow(
      /^cut\.png: unreadable PNG/,
    );
  });
});
