// Loads a workspace package the way a user does: by its name, from its built `dist/`,
// with Node's own resolver (no "@lenet/source" condition, no Vite).
import { execFileSync } from 'node:child_process';

/** Names exported by the built package `packageName`, resolved from `packageDir`. */
export function builtExportNames(packageName: string, packageDir: string, subpath = ''): string[] {
  const script = `const m = await import(${JSON.stringify(packageName + subpath)}); console.log(JSON.stringify(Object.keys(m).sort()));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: packageDir,
    encoding: 'utf8',
  });
  return JSON.parse(output);
}
