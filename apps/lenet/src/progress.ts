import cliProgress from 'cli-progress';
import type { OutputStream } from './io.js';

export interface ProgressUpdate {
  /** Samples done in this epoch. */
  done: number;
  /** Mean training loss so far in this epoch. */
  loss: number;
}

/** Shows how training goes: a live bar on a terminal, a plain line now and then elsewhere. */
export interface ProgressReporter {
  startEpoch(epoch: number, epochs: number, samples: number): void;
  update(progress: ProgressUpdate): void;
  /** Ends the epoch's bar; `summary` is printed on a line of its own. */
  endEpoch(summary: string): void;
  /** Prints a line without breaking a live bar. */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Seconds between plain lines when not on a terminal. Default 15. */
  intervalSeconds?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

export function createProgress(
  stream: OutputStream,
  options: ProgressOptions = {},
): ProgressReporter {
  return stream.isTTY ? new BarProgress(stream, options) : new LineProgress(stream, options);
}

/** Throughput and ETA shared by both displays. */
class EpochClock {
  epoch = 0;
  epochs = 0;
  samples = 0;
  private startedAt = 0;
  /** Seconds the finished epochs took, to estimate the whole run. */
  private finishedSeconds: number[] = [];

  constructor(private readonly now: () => number) {}

  start(epoch: number, epochs: number, samples: number): void {
    this.epoch = epoch;
    this.epochs = epochs;
    this.samples = samples;
    this.startedAt = this.now();
  }

  finish(): void {
    this.finishedSeconds.push(this.elapsedSeconds());
  }

  elapsedSeconds(): number {
    return (this.now() - this.startedAt) / 1000;
  }

  throughput(done: number): number {
    const seconds = this.elapsedSeconds();
    return seconds > 0 ? done / seconds : 0;
  }

  /** Seconds left in this epoch, and in the whole run. */
  eta(done: number): { epoch: number; run: number } {
    const rate = this.throughput(done);
    const epochLeft = rate > 0 ? (this.samples - done) / rate : Number.NaN;
    const perEpoch =
      this.finishedSeconds.length > 0
        ? this.finishedSeconds.reduce((a, b) => a + b, 0) / this.finishedSeconds.length
        : rate > 0
          ? this.samples / rate
          : Number.NaN;
    return { epoch: epochLeft, run: epochLeft + perEpoch * (this.epochs - this.epoch) };
  }
}

class LineProgress implements ProgressReporter {
  private readonly clock: EpochClock;
  private lastLineAt = 0;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly stream: OutputStream,
    options: ProgressOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.clock = new EpochClock(this.now);
    this.intervalMs = (options.intervalSeconds ?? 15) * 1000;
  }

  startEpoch(epoch: number, epochs: number, samples: number): void {
    this.clock.start(epoch, epochs, samples);
    this.lastLineAt = this.now();
  }

  update(progress: ProgressUpdate): void {
    if (this.now() - this.lastLineAt < this.intervalMs || progress.done >= this.clock.samples)
      return;
    this.lastLineAt = this.now();
    const { epoch, epochs, samples } = this.clock;
    const eta = this.clock.eta(progress.done);
    const percent = Math.floor((100 * progress.done) / samples);
    this.stream.write(
      `epoch ${epoch}/${epochs} ${percent}% ${progress.done}/${samples} | ${formatRate(this.clock.throughput(progress.done))} | loss ${formatLoss(progress.loss)} | eta ${formatDuration(eta.epoch)} (run ${formatDuration(eta.run)})\n`,
    );
  }

  endEpoch(summary: string): void {
    this.clock.finish();
    this.stream.write(`${summary}\n`);
  }

  log(line: string): void {
    this.stream.write(`${line}\n`);
  }

  stop(): void {}
}

class BarProgress implements ProgressReporter {
  private readonly clock: EpochClock;
  private bar: cliProgress.SingleBar | null = null;

  constructor(
    private readonly stream: OutputStream,
    options: ProgressOptions,
  ) {
    this.clock = new EpochClock(options.now ?? Date.now);
  }

  startEpoch(epoch: number, epochs: number, samples: number): void {
    this.clock.start(epoch, epochs, samples);
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream as NodeJS.WritableStream,
        format: `epoch ${epoch}/${epochs} [{bar}] {percentage}% {value}/{total} | {rate} | loss {loss} | eta {etaEpoch} (run {etaRun})`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(samples, 0, { rate: '-', loss: '-', etaEpoch: '-', etaRun: '-' });
  }

  update(progress: ProgressUpdate): void {
    const eta = this.clock.eta(progress.done);
    this.bar?.update(progress.done, {
      rate: formatRate(this.clock.throughput(progress.done)),
      loss: formatLoss(progress.loss),
      etaEpoch: formatDuration(eta.epoch),
      etaRun: formatDuration(eta.run),
    });
  }

  endEpoch(summary: string): void {
    this.clock.finish();
    this.bar?.stop();
    this.bar = null;
    this.stream.write(`${summary}\n`);
  }

  log(line: string): void {
    if (this.bar) this.stream.write('\n');
    this.stream.write(`${line}\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

export function formatRate(samplesPerSecond: number): string {
  return `${samplesPerSecond >= 100 ? Math.round(samplesPerSecond) : samplesPerSecond.toFixed(1)} img/s`;
}

function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toPrecision(4) : String(loss);
}

/** "42s", "3m05s", "1h02m". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total}s`;
  if (total < 3600) return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(total / 3600)}h${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}m`;
}
