// Every package README's runnable example, run as written (through tsx, on the packages'
// TypeScript sources), prints what the README shows after it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchesExpected, readmeExample } from './readme-examples.js';

const root = join(import.meta.dirname, '..');
const packages = readdirSync(join(root, 'packages')).filter((name) =>
  existsSync(join(root, 'packages', name, 'README.md')),
);

describe('readmeExample / matchesExpected', () => {
  it('takes the first ```ts runnable block and the block after it; … matches any text', () => {
    const markdown = [
      '```ts',
      'ignored();',
      '```',
      '```ts runnable',
      "console.log('a 12 b');",
      '```',
      'prints',
      '```text',
      'a … b',
      '```',
    ].join('\n');
    expect(readmeExample(markdown)).toEqual({ code: "console.log('a 12 b');", expected: 'a … b' });
    expect(matchesExpected('a 12 b\n', 'a … b')).toBe(true);
    expect(matchesExpected('a 12 c\n', 'a … b')).toBe(false);
    expect(matchesExpected('a 12 b\nmore\n', 'a … b')).toBe(false);
  });
});

describe.each(packages)('packages/%s/README.md', (name) => {
  it('its runnable example prints what the README shows', () => {
    const packageDir = join(root, 'packages', name);
    const example = readmeExample(readFileSync(join(packageDir, 'README.md'), 'utf8'));
    expect(example, 'no ```ts runnable block').not.toBeNull();
    // Inside the package (its own name resolves only there), in a folder git ignores.
    const folder = join(packageDir, '.turbo', 'readme-example');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `readme-${process.pid}.mts`);
    writeFileSync(file, `${example?.code}\n`);
    try {
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--conditions=@lenet/source', file],
        { cwd: packageDir, encoding: 'utf8', timeout: 120_000 },
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      if (!matchesExpected(result.stdout, example?.expected ?? '')) {
        expect(result.stdout.trimEnd()).toBe(example?.expected.trimEnd());
      }
    } finally {
      rmSync(file, { force: true });
    }
  });
});
