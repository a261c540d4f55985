import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lenet5 } from '@lenet/nn-layers';
import { expect, it } from 'vitest';

it("the README's summary block is what lenet5().toString() prints", () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const block = /```text\n([\s\S]*?)```/.exec(readme)![1];
  expect(block.trimEnd()).toBe(lenet5({ seed: 1 }).toString());
});
