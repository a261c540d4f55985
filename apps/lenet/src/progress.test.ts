import { describe, expect, it } from 'vitest';
import { memoryIo } from './io.js';
import { createProgress, formatDuration } from './progress.js';

describe('plain progress lines (not a terminal)', () => {
  it('prints a line at most every interval, with throughput, loss and ETA', () => {
    let now = 0;
    const io = memoryIo();
    const progress = createProgress(io.stdout, { intervalSeconds: 10, now: () => now });
    progress.startEpoch(1, 2, 1000);
    now = 5_000;
    progress.update({ done: 100, loss: 0.5 }); // too soon: nothing
    now = 10_000;
    progress.update({ done: 200, loss: 0.25 });
    now = 12_000;
    progress.update({ done: 240, loss: 0.2 }); // too soon again
    expect(io.out()).toBe(
      'epoch 1/2 20% 200/1000 | 20.0 img/s | loss 0.2500 | eta 40s (run 1m30s)\n',
    );
    progress.endEpoch('epoch 1/2 done');
    expect(io.out().endsWith('epoch 1/2 done\n')).toBe(true);
  });
});

describe('live progress bar (terminal)', () => {
  it('draws a bar with throughput, loss and ETA, then the summary on its own line', () => {
    let now = 0;
    const written: string[] = [];
    const terminal = { write: (text: string) => written.push(text), isTTY: true, columns: 120 };
    const progress = createProgress(terminal, { now: () => now });
    progress.startEpoch(2, 20, 1000);
    now = 4_000;
    progress.update({ done: 1000, loss: 0.125 });
    progress.endEpoch('epoch 2/20 | done');
    const screen = written.join('');
    expect(screen).toContain('epoch 2/20 [');
    expect(screen).toContain('100% 1000/1000 | 250 img/s | loss 0.1250 | eta 0s (run 1m12s)');
    expect(screen.endsWith('epoch 2/20 | done\n')).toBe(true);
  });
});

describe('formatDuration', () => {
  it('writes seconds, minutes and hours', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});
