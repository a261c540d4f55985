#!/usr/bin/env node
// Makes a fresh clone runnable with nothing but Node and npm: installs the pinned pnpm when it
// is missing, then the workspace dependencies exactly as the lockfile records them.
import { execSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const pinnedPnpm = manifest.packageManager.replace(/^pnpm@/, '');
const [major] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && Number(process.versions.node.split('.')[1]) < 19)) {
  console.error(`lenet needs Node.js >= 20.19; this is ${process.versions.node}.`);
  process.exit(1);
}

function pnpmVersion() {
  try {
    return execSync('pnpm --version', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

let pnpm = 'pnpm';
if (pnpmVersion() === null) {
  console.log(`Installing pnpm ${pinnedPnpm} ...`);
  const global = spawnSync('npm', ['install', '--global', `pnpm@${pinnedPnpm}`], {
    stdio: 'inherit',
  });
  if (global.status !== 0 || pnpmVersion() === null) pnpm = `npx --yes pnpm@${pinnedPnpm}`;
}

const install = spawnSync(`${pnpm} install --frozen-lockfile`, {
  stdio: 'inherit',
  shell: true,
});
if (install.status !== 0) {
  console.error('Dependency install failed (see above).');
  process.exit(install.status ?? 1);
}
