import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { type Packed, packageProblems } from '../src/package-rules.js';
import type { Manifest, WorkspacePackage } from '../src/workspace.js';

const published: Manifest = {
  name: '@x/a',
  version: '0.1.0',
  description: 'A.',
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  engines: { node: '>=20.19' },
  repository: { type: 'git', url: 'git+https://example.invalid/x.git', directory: 'packages/a' },
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  publishConfig: { access: 'public' },
  files: ['dist'],
  dependencies: { '@x/b': '^0.1.0' },
};

function check(manifest: Manifest, files: Record<string, string>, sources = ['index.ts']) {
  const dir = tempDir('fipc-rules-');
  mkdirSync(join(dir, 'src'));
  for (const source of sources) writeFileSync(join(dir, 'src', source), '');
  const pkg: WorkspacePackage = {
    dir,
    path: 'packages/a',
    manifest: {
      ...manifest,
      exports: { '.': { '@fipc/source': './src/index.ts', types: './dist/index.d.ts' } },
    },
  };
  const packed: Packed = {
    manifest,
    files: new Map(Object.entries({ 'package.json': '', 'README.md': '', LICENSE: '', ...files })),
  };
  return packageProblems(pkg, packed, '>=20.19');
}

const code = {
  'dist/index.js':
    "import { b } from '@x/b';\nimport { readFile } from 'node:fs';\nexport const s = 'read again from';\n",
  'dist/index.d.ts': '/** @example import { z } from "zod"; */\nexport declare const s: string;\n',
};

describe('package rules', () => {
  it('accept a complete package whose dependencies are exactly what its code imports', () => {
    expect(check(published, code)).toEqual([]);
  });

  it('report missing metadata, private access and leftovers of the workspace', () => {
    const { sideEffects: _, publishConfig: __, ...rest } = published;
    const problems = check(
      {
        ...rest,
        engines: { node: '>=18' },
        exports: { '.': { default: './dist/index.js', types: './src/index.ts' } },
        dependencies: { '@x/b': 'workspace:^' },
      },
      code,
    );
    expect(problems).toEqual([
      '"sideEffects" must be false',
      '"engines.node" must be ">=20.19", as at the root',
      '"publishConfig.access" must be "public" (scoped packages are private by default)',
      'published "exports" still point at src (add a "publishConfig.exports" without @fipc/source)',
      'a published "exports" entry lists "types" after other conditions',
      'dependencies.@x/b is still "workspace:^" after packing',
    ]);
  });

  it('report shipped sources and stale build output', () => {
    const problems = check(published, {
      ...code,
      'src/index.ts': '',
      'dist/gone.js': '',
      LICENSE: undefined as never,
    });
    expect(problems).toContain('the tarball ships src/index.ts');
    expect(problems).toContain(
      'the tarball ships dist/gone.js, which no source file builds (stale build output?)',
    );
  });

  it('report an undeclared import and an unused dependency', () => {
    const problems = check(
      { ...published, dependencies: { zod: '^4' } },
      { ...code, 'dist/extra.js': "const chokidar = await import('chokidar');\n" },
      ['index.ts', 'extra.ts'],
    );
    expect(problems).toEqual([
      'dist/index.js imports "@x/b", which is not a dependency or peer dependency',
      'dist/extra.js imports "chokidar", which is not a dependency or peer dependency',
      '"zod" is a dependency but the published code never imports it',
    ]);
  });
});
