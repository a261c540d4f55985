// The few SVG pieces every picture needs. Hand-written: the pictures are simple and this keeps
// the CLI free of a DOM.

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

export interface TextOptions {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  weight?: 'normal' | 'bold';
  fill?: string;
  rotate?: number;
}

export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  const transform = options.rotate
    ? ` transform="rotate(${options.rotate} ${fmt(x)} ${fmt(y)})"`
    : '';
  return `<text x="${fmt(x)}" y="${fmt(y)}" font-size="${options.size ?? 12}" text-anchor="${options.anchor ?? 'start'}" font-weight="${options.weight ?? 'normal'}" fill="${options.fill ?? '#222'}"${transform}>${escapeXml(content)}</text>`;
}

/** A whole picture; `title` is its text alternative for screen readers. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** A number written short for SVG coordinates. */
export function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** Tick values at 1, 2 or 5 times a power of ten covering [low, high]. */
export function linearTicks(low: number, high: number, count = 6): number[] {
  if (!(high > low)) return [low];
  const rough = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let value = Math.ceil(low / step) * step; value <= high + step * 1e-9; value += step) {
    ticks.push(Number(value.toPrecision(12)));
  }
  return ticks;
}

/** Tick values at 1, 2 and 5 times each power of ten in [low, high] (both > 0). */
export function logTicks(low: number, high: number): number[] {
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(low)); power <= Math.ceil(Math.log10(high)); power++) {
    for (const multiple of [1, 2, 5]) {
      const value = Number((multiple * 10 ** power).toPrecision(12));
      if (value >= low * (1 - 1e-9) && value <= high * (1 + 1e-9)) ticks.push(value);
    }
  }
  return ticks;
}

/** A tick label: no trailing zeros, thousands as "k". */
export function tickLabel(value: number): string {
  if (Math.abs(value) >= 1000 && value % 1000 === 0) return `${value / 1000}k`;
  return String(Number(value.toPrecision(4)));
}
