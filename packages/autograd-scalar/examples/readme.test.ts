import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';

it('the README example prints the numbers its comments (and micrograd) state', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('./readme.js');
  const printed = log.mock.calls.map((call) => call.join(' '));
  log.mockRestore();
  expect(printed).toEqual(['24.7041', '138.8338', '645.5773']);
});

it('the README shows exactly this example', () => {
  const example = readFileSync(join(import.meta.dirname, 'readme.ts'), 'utf8');
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
});
