// Fault injection: runs killed at seeded random points (kill -9, Ctrl-C), concurrent runs, short
// writes and full disks (injected, and a real 1.2 MB tmpfs when running as root), damaged
// checkpoints. After each, what is in the folder either loads or is refused by name, and the
// run can be continued. Spawns the built CLI (dist/cli.js; `pnpm test` builds first).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '@lenet/tensor';
import { injectWriteFault } from '@lenet/tensor/node';
import { checkpointPath, loadCheckpointFile } from '@lenet/trainer/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from './io.js';
import { main } from './main.js';
import { loadTrainedModel } from './training/trained-model.js';

const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
// Three passes of 300 images, well under a second each; as a process about 4 s with start-up.
const TINY = [
  '--model',
  'lenet5-modern',
  '--train-size',
  '300',
  '--test-size',
  '50',
  '--threads',
  '1',
  '--schedule',
  'constant',
];

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'lenet-faults-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function lenet(argv: string[]): {
  child: ChildProcess;
  done: Promise<Finished>;
  started: Promise<void>;
} {
  const child = spawn(process.execPath, [cli, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
    if (stdout.includes('lenet train:')) markStarted();
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<Finished>((resolve) => {
    child.on('exit', (code, signal) => {
      markStarted();
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done, started };
}

async function inProcess(...argv: string[]) {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Every checkpoint in the folder loads; returns the pass of `last` (0 when none yet). */
async function checkpointsLoad(out: string): Promise<number> {
  const folder = join(out, 'checkpoints');
  for (const name of ['best', 'last'] as const) {
    const path = checkpointPath(folder, name);
    if (existsSync(path)) await expect(loadCheckpointFile(path)).resolves.toBeTruthy();
  }
  const last = await loadCheckpointFile(checkpointPath(folder, 'last'), { missingOk: true });
  return last?.epoch ?? 0;
}

describe.skipIf(!existsSync(cli))('fault injection on the built CLI', () => {
  it('kill -9 at seeded random points never leaves a damaged checkpoint; --resume finishes', async () => {
    const random = new Generator(15);
    for (let trial = 0; trial < 3; trial++) {
      const out = join(workDir, `killed-${trial}`);
      const run = lenet(['train', ...TINY, '--epochs', '3', '--out', out]);
      await run.started;
      const delay = 200 + Math.floor(random.uniform() * 1800);
      await new Promise((resolve) => setTimeout(resolve, delay));
      run.child.kill('SIGKILL');
      const killed = await run.done;
      const saved = await checkpointsLoad(out);
      if (killed.code === 0) continue; // finished before the kill
      expect(killed.signal).toBe('SIGKILL');
      if (existsSync(join(out, 'model.safetensors'))) await loadTrainedModel(out);
      // The dead run's lock is taken over, its temporaries are removed, the run completes.
      const next = saved > 0 ? ['--resume'] : ['--force', ...TINY, '--epochs', '3'];
      const resumed = await inProcess('train', ...next, '--out', out);
      expect(resumed.err).toBe('');
      expect(resumed.code).toBe(0);
      expect(await checkpointsLoad(out)).toBe(3);
      const left = [...(await readdir(out)), ...(await readdir(join(out, 'checkpoints')))];
      expect(left.filter((name) => /\.tmp$|\.\d{5,}$|run\.lock/.test(name))).toEqual([]);
    }
  });

  it('Ctrl-C says where the run stopped and the exact command that resumes it', async () => {
    const out = join(workDir, 'interrupted');
    const run = lenet(['train', ...TINY, '--epochs', '3', '--out', out]);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(checkpointPath(join(out, 'checkpoints'), 'last'))) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    run.child.kill('SIGINT');
    const stopped = await run.done;
    if (stopped.code === 0) return; // it finished first: nothing to resume
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(
      /lenet: interrupted: stopped in pass \d of 3 after \d+ images; /,
    );
    const command = /Resume with:\n {2}(lenet train .*)\n/.exec(stopped.stderr)?.[1];
    expect(command).toBe(`lenet train --out ${out} --resume`);
    const argv = (command ?? '').split(' ').slice(1);
    const resumed = await inProcess(...argv);
    expect(resumed.code).toBe(0);
    expect(await checkpointsLoad(out)).toBe(3);
  });

  it('two runs into one folder at once: one trains, the other is refused with its pid', async () => {
    const out = join(workDir, 'concurrent');
    await mkdir(out);
    const first = lenet(['train', ...TINY, '--epochs', '2', '--out', out]);
    const second = lenet(['train', ...TINY, '--epochs', '2', '--out', out]);
    const results = await Promise.all([first.done, second.done]);
    const winners = results.filter((result) => result.code === 0);
    const losers = results.filter((result) => result.code !== 0);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const winnerPid = results[0].code === 0 ? first.child.pid : second.child.pid;
    expect(losers[0].stderr).toMatch(
      new RegExp(`is in use by another run \\(pid ${winnerPid}|holds a run \\(`),
    );
    await loadTrainedModel(out);
  });
});

describe('full disks and short writes during a run (injected)', () => {
  it('a run on a short-writing disk writes every file whole', async () => {
    const out = join(workDir, 'short');
    const restore = injectWriteFault({ kind: 'short', chunkBytes: 4093, pathIncludes: out });
    try {
      const result = await inProcess('train', ...TINY, '--epochs', '1', '--out', out);
      expect(result.code).toBe(0);
    } finally {
      restore();
    }
    expect(await checkpointsLoad(out)).toBe(1);
    await loadTrainedModel(out);
    expect(JSON.parse(await readFile(join(out, 'result.json'), 'utf8')).testCount).toBe(50);
  });

  it.each(['enospc', 'zero'] as const)(
    'a full disk (%s) stops the run by name and keeps the last good checkpoint',
    async (kind) => {
      const out = join(workDir, `full-${kind}`);
      expect((await inProcess('train', ...TINY, '--epochs', '1', '--out', out)).code).toBe(0);
      const before = await readFile(checkpointPath(join(out, 'checkpoints'), 'last'));
      const restore = injectWriteFault({ kind, capacityBytes: 1000, pathIncludes: out });
      let failed: Awaited<ReturnType<typeof inProcess>>;
      try {
        failed = await inProcess('train', '--resume', '--epochs', '2', '--out', out);
      } finally {
        restore();
      }
      expect(failed.code).toBe(1);
      expect(failed.err).toMatch(/lenet: error: could not write .*no space left/i);
      expect(
        Buffer.compare(await readFile(checkpointPath(join(out, 'checkpoints'), 'last')), before),
      ).toBe(0);
      const resumed = await inProcess('train', '--resume', '--epochs', '2', '--out', out);
      expect(resumed.code).toBe(0);
      expect(await checkpointsLoad(out)).toBe(2);
    },
  );
});

describe('a real 1.2 MB tmpfs (as root)', () => {
  const mountPoint = join(tmpdir(), `lenet-tmpfs-${process.pid}`);
  const mounted = (() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
    spawnSync('mkdir', ['-p', mountPoint]);
    return (
      spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1200k', 'tmpfs', mountPoint]).status === 0
    );
  })();
  afterAll(() => {
    if (!mounted) return;
    spawnSync('umount', [mountPoint]);
    spawnSync('rmdir', [mountPoint]);
  });

  it.skipIf(!mounted)(
    'LeNet-5 runs out of space: named error, no truncated file, no temporary',
    async () => {
      const out = join(mountPoint, 'run');
      const result = await inProcess(
        'train',
        '--model',
        'lenet5',
        '--train-size',
        '50',
        '--test-size',
        '20',
        '--epochs',
        '3',
        '--threads',
        '1',
        '--out',
        out,
      );
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/could not write .*\(ENOSPC/);
      await checkpointsLoad(out);
      const names = [...(await readdir(out)), ...(await readdir(join(out, 'checkpoints')))];
      expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    },
  );
});

describe('damaged checkpoints', () => {
  it('every seeded truncation or flipped byte is refused by name or falls back; never a crash', async () => {
    const source = join(workDir, 'damage-source');
    expect((await inProcess('train', ...TINY, '--epochs', '1', '--out', source)).code).toBe(0);
    const last = checkpointPath(join(source, 'checkpoints'), 'last');
    const whole = await readFile(last);
    const random = new Generator(20);
    for (let trial = 0; trial < 6; trial++) {
      const out = join(workDir, `damaged-${trial}`);
      await mkdir(join(out, 'checkpoints'), { recursive: true });
      await copyFile(join(source, 'settings.json'), join(out, 'settings.json'));
      const damaged = Buffer.from(whole);
      const at = Math.floor(random.uniform() * whole.length);
      const bytes = trial % 2 === 0 ? damaged.subarray(0, at) : damaged;
      if (trial % 2 === 1) bytes[at] ^= 0xff;
      const path = checkpointPath(join(out, 'checkpoints'), 'last');
      await writeFile(path, bytes);
      const result = await inProcess('train', '--resume', '--epochs', '2', '--out', out);
      if (result.code === 0) {
        // A flipped byte inside a float is still a checkpoint: it resumed from it.
        expect(result.out).toContain('resuming after pass 1 of 2');
      } else {
        expect(result.err).toMatch(
          /^lenet: error: (--resume: no intact checkpoint to resume from: .*checkpoint-last\.safetensors is damaged|.*checkpoint-last\.safetensors: )/,
        );
      }
    }
  });
});
