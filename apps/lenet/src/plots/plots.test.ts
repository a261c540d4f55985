import { describe, expect, it } from 'vitest';
import { confusionMatrixSvg } from './confusion-matrix-svg.js';
import { digitGallerySvg } from './digit-gallery-svg.js';
import { lineChart } from './line-chart.js';
import { linearTicks, logTicks, tickLabel } from './svg.js';

describe('ticks', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect(linearTicks(0, 20, 5)).toEqual([0, 5, 10, 15, 20]);
    expect(linearTicks(0, 0.9, 6)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(logTicks(800, 70000)).toEqual([1000, 2000, 5000, 10000, 20000, 50000]);
    expect(tickLabel(20000)).toBe('20k');
    expect(tickLabel(0.30000000000000004)).toBe('0.3');
  });
});

describe('lineChart', () => {
  it('draws one path per series with two or more points, and a legend entry for each', () => {
    const svg = lineChart({
      title: 'Error & loss',
      xLabel: 'epoch',
      yLabel: 'error %',
      series: [
        {
          name: 'train',
          points: [
            [1, 3],
            [2, 2],
            [3, 1.5],
          ],
          color: 'red',
        },
        {
          name: 'test',
          points: [
            [1, 2.5],
            [2, 1.8],
          ],
          color: 'blue',
          dashed: true,
        },
        { name: 'single', points: [[1, 1]], color: 'green' },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(6);
    expect(svg).toContain('Error &amp; loss');
    // The title doubles as the picture's text alternative.
    expect(svg.split('\n')[1]).toBe('<title>Error &amp; loss</title>');
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('>single</text>');
  });

  it('leaves out points a log axis cannot show', () => {
    const svg = lineChart({
      title: 't',
      xLabel: 'P',
      yLabel: 'gap',
      logX: true,
      logY: true,
      series: [
        {
          name: 'gap',
          points: [
            [1000, 0.01],
            [2000, 0],
            [5000, 0.004],
          ],
          color: 'black',
        },
      ],
    });
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).not.toContain('NaN');
  });
});

describe('confusionMatrixSvg', () => {
  it('writes every count and labels both axes', () => {
    const svg = confusionMatrixSvg(
      [
        [50, 2],
        [7, 41],
      ],
      ['a', 'b'],
      'Confusion',
    );
    for (const count of ['50', '2', '7', '41']) expect(svg).toContain(`>${count}</text>`);
    expect(svg).toContain('>predicted</text>');
    expect(svg.match(/<rect /g)).toHaveLength(5); // background + 4 cells
  });
});

describe('digitGallerySvg', () => {
  it('embeds one PNG per digit with its caption', () => {
    const digit = { pixels: new Uint8Array(784).fill(255), width: 28, height: 28 };
    const svg = digitGallerySvg(
      [
        { ...digit, caption: '4 -> 9' },
        { ...digit, caption: '3 -> 5' },
      ],
      'Errors',
    );
    expect(svg.match(/href="data:image\/png;base64,iVBORw0KGgo/g)).toHaveLength(2);
    expect(svg).toContain('>4 -&gt; 9</text>');
  });
});

describe('lineChart x ticks', () => {
  it('uses whole-number ticks for whole-number data such as passes', () => {
    const svg = lineChart({
      title: 't',
      xLabel: 'pass',
      yLabel: 'error',
      series: [
        {
          name: 'a',
          points: [
            [1, 3],
            [2, 2],
          ],
          color: 'red',
        },
      ],
    });
    const labels = [...svg.matchAll(/text-anchor="middle"[^>]*>([\d.]+)<\/text>/g)].map(
      (match) => match[1],
    );
    expect(labels).toEqual(['1', '2']);
  });
});

describe('lineChart log x ticks', () => {
  it('labels a few training-set sizes by themselves', () => {
    const svg = lineChart({
      title: 't',
      xLabel: 'P',
      yLabel: 'error',
      logX: true,
      series: [
        {
          name: 'a',
          points: [
            [1000, 3],
            [2000, 2],
            [5000, 1.5],
            [60000, 1],
          ],
          color: 'red',
        },
      ],
    });
    const labels = [...svg.matchAll(/text-anchor="middle"[^>]*>([\dk.]+)<\/text>/g)].map(
      (match) => match[1],
    );
    expect(labels).toEqual(['1k', '2k', '5k', '60k']);
  });
});
