// A fresh npm project outside the workspace, the way a user starts one, and the commands a
// user runs in it. Child processes get none of the npm_* variables of the test's own runner
// (npm would take the workspace for the project) and no NODE_PATH (pnpm's bin shims point it
// at the workspace's hoisted packages, where a package would find a dependency the project
// never installed).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function cleanEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { FORCE_COLOR: '0', NO_COLOR: '1' };
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_|^pnpm_|^VITEST|^NODE_OPTIONS$|^NODE_PATH$|^FORCE_COLOR$/i.test(key))
      environment[key] = value;
  }
  return environment;
}

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs = 300_000,
): CommandResult {
  const result = spawnSync(command, args, {
    cwd,
    env: cleanEnvironment(),
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs and throws with the whole output when the command fails. */
export function runOrThrow(command: string, args: readonly string[], cwd: string): string {
  const result = run(command, args, cwd);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** A temporary folder outside the repository, for everything this test writes. */
export function scratchDirectory(label: string): string {
  return mkdtempSync(join(tmpdir(), `lenet-${label}-`));
}

/** `npm init` with `"type": "module"`, then `npm install` of `installArguments`. */
export function createConsumerProject(directory: string, installArguments: readonly string[]) {
  mkdirSync(directory, { recursive: true });
  writeFileSync(
    join(directory, 'package.json'),
    `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  runOrThrow(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...installArguments,
    ],
    directory,
  );
}

/** Paths of every installed package of a project, from npm's hidden lockfile. */
export function installedPackages(directory: string): string[] {
  const lock = JSON.parse(readFileSync(join(directory, 'node_modules/.package-lock.json'), 'utf8'));
  return Object.keys(lock.packages)
    .map((path) => path.replace(/^.*node_modules\//, ''))
    .sort();
}

/** The package.json inside a packed tarball (what the registry would serve). */
export function packedManifest(tarball: string): Record<string, unknown> {
  return JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
  );
}

/** Bytes of every file under `directory` (links not followed), as `du` counts a tree. */
export function directoryBytes(directory: string): number {
  let total = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}
