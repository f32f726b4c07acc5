import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { exec, pool, run } from './exec.js';
import { packAll } from './pack.js';
import { type Packed, packageProblems } from './package-rules.js';
import { type Manifest, publishedPackages, root } from './workspace.js';

// `pnpm check-packages`: publint, @arethetypeswrong/cli and our own rules (package-rules.ts) on the tarball of
// every published package, as `pnpm pack` makes it (so `publishConfig` and `workspace:` rewrites are what gets
// checked). Any message from publint, suggestions included, fails the check.
//
// attw runs with its `esm-only` profile: the packages are ESM-only, so the resolutions it skips are `node10`
// (no Node version we support resolves that way) and `node16-cjs` (a CommonJS importer gets the ES module
// through `require(esm)`, Node >= 20.19, typed by TypeScript >= 5.8 under NodeNext). Every other attw problem,
// in node16 from ESM and bundler resolution, fails the check.
const attwBin = join(
  dirname(createRequire(import.meta.url).resolve('@arethetypeswrong/cli/package.json')),
  'dist/index.js',
);
const rootEngines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest).engines as {
  node: string;
};

async function unpack(tarball: string): Promise<Packed> {
  const dir = `${tarball}.d`;
  mkdirSync(dir);
  await run('tar', ['xzf', tarball, '-C', dir], { cwd: dir });
  const files = new Map<string, string>();
  for (const file of readdirSync(join(dir, 'package'), { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, 'package', file);
    if (!/\.(json|md|m?js|ts)$/.test(file) && file !== 'LICENSE') {
      files.set(file, '');
      continue;
    }
    try {
      files.set(file, readFileSync(path, 'utf8'));
    } catch {
      // a directory
    }
  }
  return { manifest: JSON.parse(files.get('package.json')!), files };
}

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
      [attwBin, tarball, '--profile', 'esm-only', '--format', 'table-flipped', '--no-color', '--no-emoji'],
      { cwd: root },
    );
    const rules = packageProblems(pkg, await unpack(tarball), rootEngines.node);
    return { pkg, lint: lint.messages.map((m) => formatMessage(m, lint.pkg) ?? m.code), attw, rules };
  });
  for (const { pkg, lint, attw, rules } of results) {
    const ok = lint.length === 0 && attw.code === 0 && rules.length === 0;
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${pkg.manifest.name}@${pkg.manifest.version}`);
    for (const message of lint) console.log(`  publint: ${message}`);
    for (const message of rules) console.log(`  rule: ${message}`);
    if (attw.code !== 0) console.log(attw.output.replace(/^/gm, '  attw: '));
  }
} finally {
  rmSync(dest, { recursive: true, force: true });
}
console.log(`check-packages: ${packages.length - failed} of ${packages.length} packages clean`);
process.exitCode = failed ? 1 : 0;
