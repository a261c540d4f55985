/**
 * The fixed output codes of LeNet-5's Euclidean RBF layer: each digit drawn as a 7-wide,
 * 12-tall bitmap, `#` = +1 and `.` = -1, read row by row into an 84-vector (F6 has 84 = 7x12
 * units so that it can reproduce these drawings). The paper's Fig. 3 shows such stylised
 * drawings but no exact transcription is available, so these were drawn for this project:
 * strokes two pixels wide, one blank row above and below, and every pair of digits differs in
 * at least 16 of the 84 positions (see the test).
 */

export const RBF_CODE_WIDTH = 7;
export const RBF_CODE_HEIGHT = 12;
export const RBF_CODE_LENGTH = RBF_CODE_WIDTH * RBF_CODE_HEIGHT;

const DIGIT_DRAWINGS = `
    0        1        2        3        4        5        6        7        8        9
.......  .......  .......  .......  .......  .......  .......  .......  .......  .......
..###..  ...##..  .#####.  #######  ....##.  #######  ..####.  #######  .#####.  .#####.
.##.##.  ..###..  ##...##  .....##  ...###.  ##.....  .##....  .....##  ##...##  ##...##
##...##  .####..  .....##  ....##.  ..####.  ##.....  ##.....  .....##  ##...##  ##...##
##...##  ...##..  ....##.  ...##..  .##.##.  ######.  ##.....  ....##.  .##.##.  ##...##
##...##  ...##..  ...##..  ..####.  ##..##.  .....##  ######.  ...##..  ..###..  ##...##
##...##  ...##..  ..##...  .....##  #######  .....##  ###..##  ...##..  .##.##.  .######
##...##  ...##..  .##....  .....##  ....##.  .....##  ##...##  ..##...  ##...##  .....##
##...##  ...##..  ##.....  .....##  ....##.  .....##  ##...##  ..##...  ##...##  .....##
.##.##.  ...##..  ##.....  ##...##  ....##.  ##...##  ##...##  ..##...  ##...##  ....##.
..###..  .######  #######  .#####.  ....##.  .#####.  .#####.  ..##...  .#####.  .####..
.......  .......  .......  .......  .......  .......  .......  .......  .......  .......
`;

/** The ten drawings, one array of 12 row strings per digit. */
export const RBF_DIGIT_BITMAPS: readonly (readonly string[])[] = parseDrawings(DIGIT_DRAWINGS);

/** The ten codes as a [10, 84] row-major array of +1/-1 values. */
export function rbfDigitCodes(): Float32Array {
  const codes = new Float32Array(10 * RBF_CODE_LENGTH);
  RBF_DIGIT_BITMAPS.forEach((rows, digit) => {
    rows.forEach((row, y) => {
      for (let x = 0; x < RBF_CODE_WIDTH; x++) {
        codes[digit * RBF_CODE_LENGTH + y * RBF_CODE_WIDTH + x] = row[x] === '#' ? 1 : -1;
      }
    });
  });
  return codes;
}

function parseDrawings(drawings: string): string[][] {
  const lines = drawings
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[#.]/.test(line));
  const digits: string[][] = Array.from({ length: 10 }, () => []);
  for (const line of lines) {
    line.split(/\s+/).forEach((row, digit) => {
      digits[digit].push(row);
    });
  }
  return digits;
}
