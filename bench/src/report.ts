import type { ContenderResult } from './timing.js';

export interface BenchReport {
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

/** The figures table, then our best configuration's ratio to every peer. */
export function markdownReport(report: BenchReport): string {
  const rows = report.results.map(
    (result) =>
      `| ${result.name} | ${columns.map(([kind, batch]) => figure(result[kind][batch])).join(' | ')} |`,
  );
  const lines = [
    `Images per second, LeNet-5 (6-16-120-84-10, tanh, average pooling, cross-entropy, SGD momentum 0.9); ${report.date.slice(0, 16).replace('T', ' ')} UTC, Node ${report.node}, ${report.cpus} x ${report.cpuModel}, load average ${report.loadAverageBefore[0]} before / ${report.loadAverageAfter[0]} after.`,
    '',
    header,
    rule,
    ...rows,
  ];
  const ours = report.results.find((result) => result.name === 'lenet wasm, 2 threads');
  const peers = report.results.filter((result) => !result.name.startsWith('lenet'));
  if (ours && peers.length > 0) {
    lines.push('', `Ratio: lenet wasm, 2 threads / peer (> 1: we are faster)`, '', header, rule);
    for (const peer of peers) {
      const ratios = columns.map(([kind, batch]) => {
        const mine = ours[kind][batch];
        const theirs = peer[kind][batch];
        return mine && theirs ? `${(mine / theirs).toFixed(mine / theirs >= 10 ? 0 : 2)}x` : 'n/a';
      });
      lines.push(`| vs ${peer.name} | ${ratios.join(' | ')} |`);
    }
  }
  const notes = report.results.flatMap((result) =>
    result.notes.map((note) => `- ${result.name}: ${note}`),
  );
  if (notes.length > 0) lines.push('', ...notes);
  return `${lines.join('\n')}\n`;
}
