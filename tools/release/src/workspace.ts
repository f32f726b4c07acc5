import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root (this file is tools/release/src/workspace.ts); tests point it at a scratch repository. */
export const root = process.env.FIPC_RELEASE_ROOT ?? join(import.meta.dirname, '../../..');

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [field: string]: unknown;
}

export interface WorkspacePackage {
  /** Absolute path of the package folder. */
  dir: string;
  /** Path relative to the root, e.g. `packages/events`. */
  path: string;
  manifest: Manifest;
}

/** Every package under packages/* that is published (not `private`), sorted by folder. */
export function publishedPackages(): WorkspacePackage[] {
  const group = join(root, 'packages');
  return readdirSync(group)
    .sort()
    .map((name) => join(group, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({
      dir,
      path: `packages/${dir.slice(group.length + 1)}`,
      manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest,
    }))
    .filter((pkg) => !pkg.manifest.private);
}

/** Names a package needs at run time: dependencies, optional and peer dependencies. */
export function runtimeDependencies(manifest: Manifest): Record<string, string> {
  return { ...manifest.peerDependencies, ...manifest.optionalDependencies, ...manifest.dependencies };
}

/** The workspace packages `pkg` needs at run time, directly or through another one, `pkg` excluded. */
export function internalClosure(pkg: WorkspacePackage, all: WorkspacePackage[]): WorkspacePackage[] {
  const byName = new Map(all.map((p) => [p.manifest.name, p]));
  const seen = new Set<string>([pkg.manifest.name]);
  const queue = [pkg];
  const found: WorkspacePackage[] = [];
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const name of Object.keys(runtimeDependencies(next.manifest))) {
      const dep = byName.get(name);
      if (!dep || seen.has(name)) continue;
      seen.add(name);
      found.push(dep);
      queue.push(dep);
    }
  }
  return found;
}
