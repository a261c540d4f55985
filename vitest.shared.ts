// Shared Vitest settings for every workspace project.
// Workspace packages are resolved to their TypeScript sources (the "@lenet/source" export
// condition), so tests run on `src/` without a build step, exactly as tsc sees them.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import type { ViteUserConfig } from 'vitest/config';

const repoRoot = dirname(fileURLToPath(import.meta.url));

function workspacePackageDirs(): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const group of ['packages', 'apps']) {
    const groupDir = join(repoRoot, group);
    for (const name of readdirSafe(groupDir)) {
      try {
        const manifest = JSON.parse(readFileSync(join(groupDir, name, 'package.json'), 'utf8'));
        if (typeof manifest.name === 'string') dirs.set(manifest.name, join(groupDir, name));
      } catch {
        // a folder without a package.json is not a workspace member
      }
    }
  }
  return dirs;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Resolves `@lenet/x` and `@lenet/x/sub` to the `@lenet/source` entry of that export. */
export function lenetSourcePlugin(): Plugin {
  const packages = workspacePackageDirs();
  return {
    name: 'lenet-source',
    enforce: 'pre',
    resolveId(id) {
      const match = /^(@lenet\/[\w-]+)(\/.*)?$/.exec(id);
      if (!match) return null;
      const packageDir = packages.get(match[1]);
      if (!packageDir) return null;
      const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
      const subpath = `.${match[2] ?? ''}`;
      const entry = manifest.exports?.[subpath];
      const source = typeof entry === 'object' ? entry['@lenet/source'] : undefined;
      return source ? resolve(packageDir, source) : null;
    },
  };
}

export function projectConfig(packageDir: string): ViteUserConfig {
  return {
    plugins: [lenetSourcePlugin()],
    test: {
      root: packageDir,
      include: ['src/**/*.test.ts', 'examples/**/*.test.ts'],
      setupFiles: [join(repoRoot, 'test/setup.ts')],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  };
}
