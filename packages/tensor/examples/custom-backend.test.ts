import { expect, it, vi } from 'vitest';

it('the custom backend example conforms except for its wrong neg (the README numbers)', async () => {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => {
    lines.push(line);
  });
  await import('./custom-backend.js');
  log.mockRestore();
  expect(lines[0]).toBe("41 cases passed, 285 skipped (reference's own kernels)");
  expect(lines.slice(1).map((line) => line.slice(0, 28))).toEqual([
    'FAIL unary neg length 1, out',
    'FAIL unary neg length 7, out',
    'FAIL unary neg length 1000, ',
    'FAIL unary neg length 4099, ',
  ]);
});
