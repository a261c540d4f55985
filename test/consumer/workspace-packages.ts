// The workspace packages a publish would release: every package.json under packages/ and apps/
// that is not private.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');

export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  name: string;
  dir: string;
  manifest: PackageManifest;
}

export function publishablePackages(): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const group of ['packages', 'apps']) {
    for (const folder of readdirSync(join(repoRoot, group)).sort()) {
      const dir = join(repoRoot, group, folder);
      let manifest: PackageManifest;
      try {
        manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      } catch {
        continue; // not a package
      }
      if (!manifest.private) found.push({ name: manifest.name, dir, manifest });
    }
  }
  return found;
}

/** The import specifiers a package's `exports` map offers, e.g. `@lenet/x`, `@lenet/x/node`. */
export function exportedSpecifiers(manifest: PackageManifest): string[] {
  return Object.keys(manifest.exports ?? { '.': null })
    .filter((subpath) => !subpath.endsWith('.json') && !subpath.includes('*'))
    .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`));
}

/** `name` and every `@lenet/*` package it depends on, directly or not (publish-time deps). */
export function lenetDependencyClosure(
  name: string,
  manifests: ReadonlyMap<string, PackageManifest>,
): string[] {
  const seen = new Set<string>();
  const visit = (current: string) => {
    if (seen.has(current)) return;
    const manifest = manifests.get(current);
    if (!manifest) throw new Error(`${current} is not a publishable workspace package`);
    seen.add(current);
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      if (dependency.startsWith('@lenet/')) visit(dependency);
    }
  };
  visit(name);
  return [...seen];
}
