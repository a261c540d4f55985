import type { ContenderResult } from './timing.js';

/** Each figure's median over several measurements of one contender (notes of the first). */
export function medianResult(runs: readonly ContenderResult[]): ContenderResult {
  const medianOf = (kind: 'train' | 'infer' | 'trainCpu' | 'inferCpu') => {
    const figures: Record<string, number | null> = {};
    for (const batch of Object.keys(runs[0][kind] ?? {})) {
      const values = runs
        .map((run) => run[kind]?.[batch])
        .filter((value): value is number => typeof value === 'number')
        .sort((a, b) => a - b);
      figures[batch] = values.length > 0 ? values[Math.floor(values.length / 2)] : null;
    }
    return figures;
  };
  return {
    name: runs[0].name,
    train: medianOf('train'),
    infer: medianOf('infer'),
    trainCpu: medianOf('trainCpu'),
    inferCpu: medianOf('inferCpu'),
    notes: runs[0].notes,
  };
}

export interface BenchReport {
  repeats?: number;
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  results: ContenderResult[];
}

const columns = [
  ['train', '1'],
  ['train', '32'],
  ['train', '128'],
  ['infer', '1'],
  ['infer', '1000'],
] as const;
const header = '| | train b=1 | train b=32 | train b=128 | infer b=1 | infer b=1000 |';
const rule = '|---|---:|---:|---:|---:|---:|';

function figure(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  return Math.round(value).toLocaleString('en-US');
}

type Kind = 'train' | 'infer' | 'trainCpu' | 'inferCpu';

function table(results: readonly ContenderResult[], cpu: boolean): string[] {
  return [
    header,
    rule,
    ...results.map((result) => {
      const cells = columns.map(([kind, batch]) => {
        const key: Kind = cpu ? `${kind}Cpu` : kind;
        return figure(result[key]?.[batch]);
      });
      return `| ${result.name} | ${cells.join(' | ')} |`;
    }),
  ];
}

function ratios(ours: ContenderResult, peers: readonly ContenderResult[], cpu: boolean): string[] {
  const lines = [header, rule];
  for (const peer of peers) {
    const cells = columns.map(([kind, batch]) => {
      const key: Kind = cpu ? `${kind}Cpu` : kind;
      const mine = ours[key]?.[batch];
      const theirs = peer[key]?.[batch];
      if (!mine || !theirs) return 'n/a';
      const ratio = mine / theirs;
      return `${ratio.toFixed(ratio >= 10 ? 0 : 2)}x`;
    });
    lines.push(`| vs ${peer.name} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/** The figures (wall clock, then CPU time) and our best configuration's ratio to every peer. */
export function markdownReport(report: BenchReport): string {
  const results = report.results;
  const ours = results.find((result) => result.name === 'lenet wasm, 2 threads');
  const oursOneThread = results.find((result) => result.name === 'lenet wasm, 1 thread');
  const peers = results.filter((result) => !result.name.startsWith('lenet'));
  const lines = [
    `Images per second, LeNet-5 (6-16-120-84-10, tanh, average pooling, cross-entropy, SGD momentum 0.9); ${report.date.slice(0, 16).replace('T', ' ')} UTC, Node ${report.node}, ${report.cpus} x ${report.cpuModel}, load average ${report.loadAverageBefore[0]} before / ${report.loadAverageAfter[0]} after${(report.repeats ?? 1) > 1 ? `; median of ${report.repeats} runs` : ''}.`,
    '',
    ...table(results, false),
  ];
  if (ours && peers.length > 0) {
    lines.push('', 'Ratio: lenet wasm, 2 threads / peer (> 1: we are faster)', '');
    lines.push(...ratios(ours, peers, false));
  }
  lines.push(
    '',
    'Images per second of CPU time (all threads of the process): what a contender costs, much less disturbed by other jobs on the machine than the wall clock.',
    '',
    ...table(results, true),
  );
  if (oursOneThread && peers.length > 0) {
    lines.push('', 'Ratio per CPU second: lenet wasm, 1 thread / peer', '');
    lines.push(...ratios(oursOneThread, peers, true));
  }
  const notes = results.flatMap((result) =>
    result.notes.map((note) => `- ${result.name}: ${note}`),
  );
  if (notes.length > 0) lines.push('', ...notes);
  return `${lines.join('\n')}\n`;
}
