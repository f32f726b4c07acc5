import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import type { Manifest, WorkspacePackage } from './workspace.js';

/** A packed package: its package.json as published and its files (paths relative to the package root). */
export interface Packed {
  manifest: Manifest;
  files: Map<string, string>;
}

// A specifier that names a package (`zod`, `@scope/x/sub`, `node:fs`): no whitespace, so the words "from" and
// "import" inside string literals are not taken for statements.
const bareImport =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]((?:@[\w.-]+\/)?[\w-][\w.:/-]*)['"]/g;

/** The package a bare specifier names: `zod/v4` is `zod`, `@scope/x/y` is `@scope/x`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * The house rules for a published package, checked on what `pnpm pack` produced (`packed`) and on the
 * workspace manifest (`pkg`). publint and attw check that the package works; these check that it is the
 * package we mean to ship: complete metadata, nothing but the build in it, and exactly the dependencies its
 * code imports.
 */
export function packageProblems(pkg: WorkspacePackage, packed: Packed, rootEngines: string): string[] {
  const problems: string[] = [];
  const m = packed.manifest;
  const source = pkg.manifest.exports as Record<string, Record<string, string>> | undefined;
  if (Object.keys(source?.['.'] ?? {})[0] !== '@fipc/source') {
    problems.push(
      'exports["."] must start with the "@fipc/source" condition (tests and examples run from src)',
    );
  }
  if (m.type !== 'module') problems.push('"type" must be "module"');
  if (m.sideEffects !== false) problems.push('"sideEffects" must be false');
  if ((m.engines as Record<string, string> | undefined)?.node !== rootEngines) {
    problems.push(`"engines.node" must be "${rootEngines}", as at the root`);
  }
  if (!m.license) problems.push('"license" is missing');
  if (!m.description) problems.push('"description" is missing');
  if (!Array.isArray(m.files)) problems.push('"files" is missing');
  const repository = m.repository as { url?: string; directory?: string } | undefined;
  if (!repository?.url || repository.directory !== pkg.path) {
    problems.push(`"repository" needs a url and "directory": "${pkg.path}"`);
  }
  if ((m.publishConfig as { access?: string } | undefined)?.access !== 'public') {
    problems.push('"publishConfig.access" must be "public" (scoped packages are private by default)');
  }
  const exportsText = JSON.stringify(m.exports ?? null);
  if (/@fipc\/source|\.\/src\//.test(exportsText)) {
    problems.push(
      'published "exports" still point at src (add a "publishConfig.exports" without @fipc/source)',
    );
  }
  const conditions = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    const keys = Object.keys(value);
    if (keys.includes('types') && keys[0] !== 'types')
      problems.push('a published "exports" entry lists "types" after other conditions');
    for (const inner of Object.values(value)) conditions(inner);
  };
  conditions(m.exports);
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
    for (const [name, range] of Object.entries(m[field] ?? {})) {
      if (range.startsWith('workspace:')) problems.push(`${field}.${name} is still "${range}" after packing`);
    }
  }

  for (const required of ['package.json', 'README.md', 'LICENSE']) {
    if (!packed.files.has(required)) problems.push(`the tarball has no ${required}`);
  }
  for (const file of packed.files.keys()) {
    if (/^(src|test|bench|smoke|fixtures)\/|^tsconfig/.test(file)) problems.push(`the tarball ships ${file}`);
    const built = /^dist\/(.+)\.(?:js|d\.ts)$/.exec(file);
    if (
      built &&
      !existsSync(join(pkg.dir, 'src', `${built[1]}.ts`)) &&
      !existsSync(join(pkg.dir, 'src', `${built[1]}.tsx`))
    ) {
      problems.push(`the tarball ships ${file}, which no source file builds (stale build output?)`);
    }
  }

  const declared = new Set(
    Object.keys({ ...m.dependencies, ...m.peerDependencies, ...m.optionalDependencies }),
  );
  const imported = new Set<string>();
  for (const [file, text] of packed.files) {
    if (!/\.(m?js|d\.ts)$/.test(file)) continue;
    // Doc comments hold examples that import other packages (zod, say); only code counts.
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const [, specifier] of code.matchAll(bareImport)) {
      const name = packageOf(specifier!);
      if (specifier!.startsWith('node:') || builtinModules.includes(name)) continue;
      imported.add(name);
      if (!declared.has(name))
        problems.push(`${file} imports "${specifier}", which is not a dependency or peer dependency`);
    }
  }
  for (const name of declared) {
    if (!imported.has(name))
      problems.push(`"${name}" is a dependency but the published code never imports it`);
  }
  return [...new Set(problems)];
}
