// Helpers shared by tests: render digits as PNG files in the many forms users have them.
import { encode } from 'fast-png';
import type { GrayImage } from './gray-image.js';
import { resample } from './resample.js';

export interface RenderOptions {
  /** Output size; the digit is stretched to fill it. */
  width?: number;
  height?: number;
  /** Dark ink on white paper instead of MNIST's light ink on black. */
  darkOnLight?: boolean;
  /** 'gray' (1 channel), 'rgb', 'rgba' (transparent paper, opaque ink), 'gray16'. */
  format?: 'gray' | 'rgb' | 'rgba' | 'gray16';
  /** Ink color for 'rgb' / 'rgba', 0..255 each. */
  inkColor?: [number, number, number];
}

/** Encodes a gray image in [0, 1] (1 = ink) as a PNG in the requested form. */
export function renderDigitPng(ink: GrayImage, options: RenderOptions = {}): Uint8Array {
  const width = options.width ?? ink.width;
  const height = options.height ?? ink.height;
  const sized = width === ink.width && height === ink.height ? ink : resample(ink, width, height);
  const format = options.format ?? 'gray';
  const darkOnLight = options.darkOnLight ?? false;
  const count = width * height;
  const inkColor = options.inkColor ?? (darkOnLight ? [0, 0, 0] : [255, 255, 255]);
  const paper = darkOnLight ? 255 : 0;
  if (format === 'gray' || format === 'gray16') {
    const max = format === 'gray16' ? 65535 : 255;
    const data = format === 'gray16' ? new Uint16Array(count) : new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const value = darkOnLight ? 1 - sized.pixels[i] : sized.pixels[i];
      data[i] = Math.round(Math.min(Math.max(value, 0), 1) * max);
    }
    return encode({ width, height, data, channels: 1, depth: format === 'gray16' ? 16 : 8 });
  }
  const channels = format === 'rgba' ? 4 : 3;
  const data = new Uint8Array(count * channels);
  for (let i = 0; i < count; i++) {
    const strength = Math.min(Math.max(sized.pixels[i], 0), 1);
    for (let c = 0; c < 3; c++) {
      data[i * channels + c] =
        format === 'rgba' ? inkColor[c] : Math.round(paper + (inkColor[c] - paper) * strength);
    }
    if (format === 'rgba') data[i * channels + 3] = Math.round(strength * 255);
  }
  return encode({ width, height, data, channels, depth: 8 });
}
