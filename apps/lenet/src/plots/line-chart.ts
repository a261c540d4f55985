import { fmt, linearTicks, logTicks, svgDocument, text, tickLabel } from './svg.js';

export interface Series {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
  color: string;
  /** Draw a dashed line (e.g. a fitted model). */
  dashed?: boolean;
  /** Draw a dot at each point. Default true. */
  markers?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
  /** Start the y axis at 0 on linear axes. Default true. */
  yFromZero?: boolean;
}

const MARGIN = { left: 64, right: 16, top: 36, bottom: 48 };

/** A line chart with axes, ticks, grid and a legend, as an SVG document. */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const points = options.series.flatMap((series) => series.points);
  const usable = points.filter(
    ([x, y]) =>
      Number.isFinite(x) &&
      Number.isFinite(y) &&
      (!options.logX || x > 0) &&
      (!options.logY || y > 0),
  );
  const xs = usable.map(([x]) => x);
  const ys = usable.map(([, y]) => y);
  const xDomain = paddedDomain(xs, options.logX ?? false, false);
  const yDomain = paddedDomain(ys, options.logY ?? false, options.yFromZero ?? true);
  const xScale = axisScale(xDomain, options.logX ?? false, MARGIN.left, MARGIN.left + plotWidth);
  const yScale = axisScale(yDomain, options.logY ?? false, MARGIN.top + plotHeight, MARGIN.top);
  const body: string[] = [
    text(width / 2, 22, options.title, { size: 15, anchor: 'middle', weight: 'bold' }),
  ];

  let xTicks = options.logX ? logTicks(...xDomain) : linearTicks(...xDomain);
  // Whole-number data (passes, sizes) gets whole-number ticks; a few sizes on a log axis are
  // best labelled by themselves.
  const markedXs = options.series.flatMap((series) =>
    series.markers === false ? [] : series.points.map(([x]) => x),
  );
  const distinctXs = [...new Set(markedXs)]
    .filter((x) => Number.isInteger(x) && (!options.logX || x > 0))
    .sort((a, b) => a - b);
  const wholeTicks = xTicks.filter(Number.isInteger);
  if (options.logX && distinctXs.length >= 2 && distinctXs.length <= 12) xTicks = distinctXs;
  else if (xs.every(Number.isInteger) && wholeTicks.length >= 2) xTicks = wholeTicks;
  else if (xs.every(Number.isInteger) && !options.logX) xTicks = distinctXs;
  const yTicks = options.logY ? logTicks(...yDomain) : linearTicks(...yDomain);
  for (const tick of xTicks) {
    const x = xScale(tick);
    body.push(line(x, MARGIN.top, x, MARGIN.top + plotHeight, '#e5e5e5'));
    body.push(
      text(x, MARGIN.top + plotHeight + 16, tickLabel(tick), { size: 11, anchor: 'middle' }),
    );
  }
  for (const tick of yTicks) {
    const y = yScale(tick);
    body.push(line(MARGIN.left, y, MARGIN.left + plotWidth, y, '#e5e5e5'));
    body.push(text(MARGIN.left - 6, y + 4, tickLabel(tick), { size: 11, anchor: 'end' }));
  }
  body.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#444"/>`,
    text(MARGIN.left + plotWidth / 2, height - 10, options.xLabel, { size: 12, anchor: 'middle' }),
    text(16, MARGIN.top + plotHeight / 2, options.yLabel, {
      size: 12,
      anchor: 'middle',
      rotate: -90,
    }),
  );

  options.series.forEach((series, index) => {
    const drawn = series.points.filter(
      ([x, y]) =>
        Number.isFinite(x) &&
        Number.isFinite(y) &&
        (!options.logX || x > 0) &&
        (!options.logY || y > 0),
    );
    const path = drawn
      .map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${fmt(xScale(x))},${fmt(yScale(y))}`)
      .join(' ');
    if (drawn.length > 1) {
      body.push(
        `<path d="${path}" fill="none" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    if (series.markers ?? true) {
      for (const [x, y] of drawn) {
        body.push(
          `<circle cx="${fmt(xScale(x))}" cy="${fmt(yScale(y))}" r="3" fill="${series.color}"/>`,
        );
      }
    }
    const legendY = MARGIN.top + 14 + index * 16;
    const legendX = MARGIN.left + plotWidth - 170;
    body.push(
      `<line x1="${legendX}" y1="${legendY - 4}" x2="${legendX + 18}" y2="${legendY - 4}" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      text(legendX + 24, legendY, series.name, { size: 11 }),
    );
  });
  return svgDocument(width, height, options.title, body);
}

function line(x1: number, y1: number, x2: number, y2: number, color: string): string {
  return `<line x1="${fmt(x1)}" y1="${fmt(y1)}" x2="${fmt(x2)}" y2="${fmt(y2)}" stroke="${color}"/>`;
}

function paddedDomain(values: number[], log: boolean, fromZero: boolean): [number, number] {
  if (values.length === 0) return log ? [1, 10] : [0, 1];
  let low = Math.min(...values);
  const high = Math.max(...values);
  if (log) {
    if (low === high) return [low / 2, high * 2];
    return [low / 1.15, high * 1.15];
  }
  if (fromZero && low >= 0) low = 0;
  if (low === high) return [low - 1, high + 1];
  const pad = (high - low) * 0.05;
  return [fromZero && low === 0 ? 0 : low - pad, high + pad];
}

function axisScale(
  domain: [number, number],
  log: boolean,
  from: number,
  to: number,
): (value: number) => number {
  const transform = log ? Math.log10 : (value: number) => value;
  const low = transform(domain[0]);
  const high = transform(domain[1]);
  return (value) => from + ((transform(value) - low) / (high - low)) * (to - from);
}
