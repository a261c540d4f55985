// Writes MNIST test digit INDEX as a PNG the way people usually have digits: larger, dark ink
// on white paper, in RGB. For trying `lenet predict`:
//   npx tsx --conditions=@lenet/source examples/mnist-digit-png.ts 0 seven.png
import { writeFile } from 'node:fs/promises';
import { loadMnist } from '@lenet/datasets-mnist/node';
import { renderDigitPng } from '../src/image/image-testing.js';
import { grayFromBytes } from '../src/image/mnist-digit.js';

const [indexText = '0', file = 'digit.png'] = process.argv.slice(2);
const test = await loadMnist({ split: 'test' });
const index = Number(indexText);
const ink = grayFromBytes(test.image(index), test.width, test.height);
await writeFile(
  file,
  renderDigitPng(ink, { width: 112, height: 112, format: 'rgb', darkOnLight: true }),
);
console.log(
  `${file}: MNIST test digit ${index}, a ${test.label(index)}, as a 112x112 RGB PNG, dark on light`,
);
