import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { exec, pool } from './exec.js';
import { packAll } from './pack.js';
import { publishedPackages, root } from './workspace.js';

// `pnpm check-packages`: publint and @arethetypeswrong/cli on the tarball of every published package, as
// `pnpm pack` makes it (so `publishConfig` and `workspace:` rewrites are what gets checked). Any message
// from publint, suggestions included, fails the check.
//
// attw runs with the `node16` profile, which skips TypeScript's `node10` resolution (no Node version we
// support resolves that way), and ignores `cjs-resolves-to-esm`: the packages are ESM-only and
// `engines.node >= 20.19`, where `require()` of an ES module works. Every other attw problem, in node16 from
// ESM, node16 from CJS and bundler resolution, fails the check.
const attwBin = join(root, 'tools/release/node_modules/@arethetypeswrong/cli/dist/index.js');

const packages = publishedPackages();
const dest = mkdtempSync(join(tmpdir(), 'fipc-check-packages-'));
let failed = 0;
try {
  const tarballs = await packAll(packages, dest);
  const results = await pool(packages, 2, async (pkg) => {
    const tarball = tarballs.get(pkg.manifest.name)!;
    const buffer = readFileSync(tarball);
    const lint = await publint({
      pack: { tarball: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    const attw = await exec(
      process.execPath,
      [
        attwBin,
        tarball,
        '--profile',
        'node16',
        '--ignore-rules',
        'cjs-resolves-to-esm',
        '--format',
        'table-flipped',
        '--no-color',
        '--no-emoji',
      ],
      { cwd: root },
    );
    return { pkg, lint: lint.messages.map((m) => formatMessage(m, lint.pkg) ?? m.code), attw };
  });
  for (const { pkg, lint, attw } of results) {
    const ok = lint.length === 0 && attw.code === 0;
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${pkg.manifest.name}@${pkg.manifest.version}`);
    for (const message of lint) console.log(`  publint: ${message}`);
    if (attw.code !== 0) console.log(attw.output.replace(/^/gm, '  attw: '));
  }
} finally {
  rmSync(dest, { recursive: true, force: true });
}
console.log(`check-packages: ${packages.length - failed} of ${packages.length} packages clean`);
process.exitCode = failed ? 1 : 0;
