import { svgDocument, text } from './svg.js';

/**
 * A confusion matrix as a heat map: rows are true classes, columns predicted ones. Off-diagonal
 * cells are shaded by their share of the largest off-diagonal count, so the errors stand out
 * instead of being washed out by the diagonal.
 */
export function confusionMatrixSvg(
  matrix: number[][],
  classNames: readonly string[],
  title: string,
): string {
  const count = classNames.length;
  const cell = 40;
  const left = 70;
  const top = 70;
  const width = left + count * cell + 20;
  const height = top + count * cell + 30;
  let largestError = 0;
  for (let row = 0; row < count; row++) {
    for (let column = 0; column < count; column++) {
      if (row !== column) largestError = Math.max(largestError, matrix[row][column]);
    }
  }
  const body: string[] = [
    text(width / 2, 22, title, { size: 15, anchor: 'middle', weight: 'bold' }),
    text(left + (count * cell) / 2, top - 28, 'predicted', { size: 12, anchor: 'middle' }),
    text(20, top + (count * cell) / 2, 'true', { size: 12, anchor: 'middle', rotate: -90 }),
  ];
  for (let index = 0; index < count; index++) {
    body.push(
      text(left + index * cell + cell / 2, top - 8, classNames[index], {
        size: 12,
        anchor: 'middle',
      }),
    );
    body.push(
      text(left - 8, top + index * cell + cell / 2 + 4, classNames[index], {
        size: 12,
        anchor: 'end',
      }),
    );
  }
  for (let row = 0; row < count; row++) {
    for (let column = 0; column < count; column++) {
      const value = matrix[row][column];
      const fill =
        row === column ? '#dbeafe' : errorShade(largestError > 0 ? value / largestError : 0);
      const x = left + column * cell;
      const y = top + row * cell;
      body.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ccc"/>`,
      );
      if (value > 0 || row === column) {
        const strong = row !== column && largestError > 0 && value / largestError > 0.55;
        body.push(
          text(x + cell / 2, y + cell / 2 + 4, String(value), {
            size: value >= 1000 ? 10 : 12,
            anchor: 'middle',
            fill: strong ? 'white' : '#222',
          }),
        );
      }
    }
  }
  return svgDocument(width, height, title, body);
}

/** White to deep red. */
function errorShade(fraction: number): string {
  const f = Math.min(Math.max(fraction, 0), 1);
  const green = Math.round(255 - f * 200);
  const blue = Math.round(255 - f * 215);
  return `rgb(${Math.round(255 - f * 75)},${green},${blue})`;
}
