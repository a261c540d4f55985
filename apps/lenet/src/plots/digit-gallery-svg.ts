import { encode } from 'fast-png';
import { svgDocument, text } from './svg.js';

export interface GalleryItem {
  /** Image bytes, 0 = background, 255 = ink. */
  pixels: Uint8Array;
  width: number;
  height: number;
  /** Shown under the image, e.g. "4 -> 9". */
  caption: string;
}

/**
 * Digits in a grid with a caption under each, like the paper's figure of LeNet-5's 82 errors.
 * Each digit is an embedded PNG drawn black on white, scaled up without smoothing.
 */
export function digitGallerySvg(items: GalleryItem[], title: string, columns = 10): string {
  const scale = 2;
  const cellWidth = 28 * scale + 12;
  const cellHeight = 28 * scale + 22;
  const rows = Math.max(1, Math.ceil(items.length / columns));
  const width = Math.max(columns * cellWidth + 20, 300);
  const height = 40 + rows * cellHeight + 10;
  const body: string[] = [
    text(width / 2, 24, title, { size: 15, anchor: 'middle', weight: 'bold' }),
  ];
  items.forEach((item, index) => {
    const x = 10 + (index % columns) * cellWidth;
    const y = 40 + Math.floor(index / columns) * cellHeight;
    const imageWidth = item.width * scale;
    const imageHeight = item.height * scale;
    body.push(
      `<image x="${x + 6}" y="${y}" width="${imageWidth}" height="${imageHeight}" style="image-rendering:pixelated" href="data:image/png;base64,${pngBase64(item)}"/>`,
      text(x + 6 + imageWidth / 2, y + imageHeight + 14, item.caption, {
        size: 11,
        anchor: 'middle',
      }),
    );
  });
  return svgDocument(width, height, title, body);
}

function pngBase64(item: GalleryItem): string {
  const data = new Uint8Array(item.pixels.length);
  for (let i = 0; i < data.length; i++) data[i] = 255 - item.pixels[i];
  const png = encode({ width: item.width, height: item.height, data, channels: 1, depth: 8 });
  return Buffer.from(png).toString('base64');
}
