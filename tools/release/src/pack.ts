import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pnpm, pool, run } from './exec.js';
import type { WorkspacePackage } from './workspace.js';

/**
 * Packs each package with `pnpm pack` into `dest`, exactly as `pnpm publish` would upload it: `publishConfig`
 * fields replace the top-level ones and `workspace:` ranges become real version ranges. The packages must
 * be built already. Returns the tarball path by package name.
 */
export async function packAll(packages: WorkspacePackage[], dest: string): Promise<Map<string, string>> {
  const tarballs = await pool(packages, 3, async (pkg) => {
    const folder = join(dest, pkg.path.replace('/', '-'));
    const [command, args] = pnpm(['pack', '--pack-destination', folder]);
    await run(command, args, { cwd: pkg.dir });
    const files = readdirSync(folder).filter((name) => name.endsWith('.tgz'));
    if (files.length !== 1) throw new Error(`pnpm pack of ${pkg.path} left ${files.length} tarballs`);
    return [pkg.manifest.name, join(folder, files[0]!)] as const;
  });
  return new Map(tarballs);
}
