// The scaling table (bench/results/scaling.md): ours and PyTorch per thread count and cell,
// with the ratio, and the time-to-accuracy rows of `lenet train --recipe fast`.

/** The cells of a row: training at three batch sizes, inference at 1000. */
export const SCALING_CELLS = [
  { kind: 'train', batch: 32 },
  { kind: 'train', batch: 128 },
  { kind: 'train', batch: 512 },
  { kind: 'infer', batch: 1000 },
] as const;

export type ScalingCell = (typeof SCALING_CELLS)[number];

export function cellKey(cell: ScalingCell): string {
  return `${cell.kind}-${cell.batch}`;
}

/** Images/s by the wall clock and per CPU-second of the process, or null where it failed. */
export interface CellRate {
  readonly wall: number;
  readonly cpu: number;
}

export interface ScalingRow {
  readonly threads: number;
  readonly ours: Record<string, CellRate | null>;
  /** Absent when PyTorch is not installed. */
  readonly pytorch: Record<string, CellRate | null> | null;
}

export interface AccuracyRow {
  readonly threads: number;
  readonly command: string;
  readonly batchSize: number | null;
  readonly passes: number | null;
  /** Test error in percent on the full MNIST test set. */
  readonly testError: number | null;
  readonly trainSeconds: number | null;
  readonly seconds: number | null;
  readonly note?: string;
}

export interface ScalingReport {
  readonly date: string;
  readonly node: string;
  readonly pytorch: string | null;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly loadAverageBefore: number[];
  readonly loadAverageAfter: number[];
  readonly unit: string;
  readonly rows: readonly ScalingRow[];
  readonly accuracy: readonly AccuracyRow[];
}

type Clock = 'wall' | 'cpu';

function figure(rate: CellRate | null | undefined, clock: Clock): string {
  return rate ? Math.round(rate[clock]).toLocaleString('en-US') : 'n/a';
}

function ratio(
  ours: CellRate | null | undefined,
  theirs: CellRate | null | undefined,
  clock: Clock,
): string {
  return ours && theirs ? `${(ours[clock] / theirs[clock]).toFixed(2)}x` : 'n/a';
}

export function scalingMarkdown(report: ScalingReport): string {
  const label = (cell: ScalingCell) =>
    cell.kind === 'train' ? `train b=${cell.batch}` : `infer b=${cell.batch}`;
  const withTorch = report.rows.some((row) => row.pytorch);
  const header = ['threads'];
  for (const cell of SCALING_CELLS) {
    header.push(`ours ${label(cell)}`);
    if (withTorch) header.push('PyTorch', 'ratio');
  }
  const table = (clock: Clock) => [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---:').join('|')}|`,
    ...report.rows.map((row) => {
      const cells = [String(row.threads)];
      for (const cell of SCALING_CELLS) {
        const key = cellKey(cell);
        cells.push(figure(row.ours[key], clock));
        if (withTorch) {
          cells.push(
            figure(row.pytorch?.[key], clock),
            ratio(row.ours[key], row.pytorch?.[key], clock),
          );
        }
      }
      return `| ${cells.join(' | ')} |`;
    }),
  ];
  const lines = [
    ...table('wall'),
    '',
    'Per second of CPU time (all threads of the process; other jobs on the machine disturb it less):',
    '',
    ...table('cpu'),
  ];
  const accuracy =
    report.accuracy.length === 0
      ? []
      : [
          '',
          'Time to accuracy (full MNIST test set):',
          '',
          '| threads | batch | passes | test error | training s | total s | command |',
          '|---:|---:|---:|---:|---:|---:|---|',
          ...report.accuracy.map(
            (row) =>
              `| ${row.threads} | ${row.batchSize ?? 'n/a'} | ${row.passes ?? 'n/a'} | ${row.testError === null ? 'n/a' : `${row.testError.toFixed(2)}%`} | ${row.trainSeconds?.toFixed(1) ?? 'n/a'} | ${row.seconds?.toFixed(1) ?? 'n/a'} | \`${row.command}\`${row.note ? ` (${row.note})` : ''} |`,
          ),
        ];
  return [
    `Scaling over threads: ${report.unit}. ${report.cpus} CPUs (${report.cpuModel}), Node ${report.node}${report.pytorch ? `, PyTorch ${report.pytorch}` : ''}; load average ${report.loadAverageBefore.join(' ')} before, ${report.loadAverageAfter.join(' ')} after; ${report.date}.`,
    '',
    ...lines,
    ...accuracy,
    '',
  ].join('\n');
}
