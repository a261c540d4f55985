// Finds the runnable example of a package README: the first ```ts block whose fence line says
// `runnable`, and the fenced block after it, which shows what the example prints.

export interface ReadmeExample {
  readonly code: string;
  readonly expected: string;
}

export function readmeExample(markdown: string): ReadmeExample | null {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^```ts\s+runnable\s*$/.test(line));
  if (start < 0) return null;
  const end = lines.findIndex((line, i) => i > start && line.startsWith('```'));
  const outputStart = lines.findIndex((line, i) => i > end && /^```\w*\s*$/.test(line));
  const outputEnd = lines.findIndex((line, i) => i > outputStart && line.startsWith('```'));
  if (end < 0 || outputStart < 0 || outputEnd < 0) {
    throw new Error('a runnable example needs a closing fence and an output block after it');
  }
  return {
    code: lines.slice(start + 1, end).join('\n'),
    expected: lines.slice(outputStart + 1, outputEnd).join('\n'),
  };
}

/**
 * True when `actual` (the printed output) equals `expected` line by line, where `…` in an
 * expected line stands for any text (figures that depend on the machine, such as throughput).
 */
export function matchesExpected(actual: string, expected: string): boolean {
  const got = actual.trimEnd().split('\n');
  const want = expected.trimEnd().split('\n');
  if (got.length !== want.length) return false;
  return want.every((line, i) => {
    const pattern = line
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return new RegExp(`^${pattern}$`).test(got[i].trimEnd());
  });
}
