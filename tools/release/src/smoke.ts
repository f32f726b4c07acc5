import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exec, pool, run } from './exec.js';
import { packAll } from './pack.js';
import { internalClosure, publishedPackages, root, type WorkspacePackage } from './workspace.js';

// `pnpm smoke`: installs each published package the way a user would and uses it.
// For every package under packages/*: pack it (and the workspace packages it needs) with `pnpm pack`,
// install those tarballs alone with plain npm into an empty directory outside the workspace, check that no
// other @fipc package came along, run its `smoke/smoke.mjs` with node, and type-check its
// `smoke/consumer.ts` with `tsc --noEmit` under `moduleResolution` NodeNext and Bundler.
// Peer dependencies (optional ones too) are installed at the range the package declares; a package may list
// more in `smoke/smoke.json` as `{ "install": ["name@range"] }` when its smoke script needs them.

const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const typesNode = `@types/node@${rootManifest.devDependencies['@types/node']}`;
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const filter = process.argv.slice(2);

// npm must not see pnpm's settings (pnpm exports npm_config_* to the scripts it runs).
const npmEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_)/i.test(key) && key !== 'NODE_OPTIONS'),
);

// skipLibCheck: the point is that the published types resolve and type the consumer's code (the
// `@ts-expect-error` lines in each consumer.ts prove they are not `any`). Checking every .d.ts of @types/node
// and zod as well would triple the time; our own .d.ts are emitted by a strict tsc, and check-packages makes
// sure every package they import is a declared dependency.
const compilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: 'ES2022',
  lib: ['ES2023'],
  types: ['node'],
  isolatedModules: true,
};
const modes = {
  NodeNext: { module: 'NodeNext', moduleResolution: 'NodeNext' },
  Bundler: { module: 'ESNext', moduleResolution: 'Bundler' },
};

// A node_modules folder above the temp directory would let a missing dependency resolve by accident.
for (let dir = tmpdir(); ; dir = dirname(dir)) {
  if (existsSync(join(dir, 'node_modules')))
    throw new Error(`${dir}/node_modules would leak into the smoke test`);
  if (dirname(dir) === dir) break;
}

async function smoke(pkg: WorkspacePackage, all: WorkspacePackage[], tarballs: Map<string, string>) {
  const name = pkg.manifest.name;
  const smokeDir = join(pkg.dir, 'smoke');
  for (const file of ['smoke.mjs', 'consumer.ts']) {
    if (!existsSync(join(smokeDir, file))) throw new Error(`${pkg.path}/smoke/${file} is missing`);
  }
  const closure = internalClosure(pkg, all).map((p) => p.manifest.name);
  const internal = [name, ...closure];
  const dependencies: Record<string, string> = {};
  for (const dep of internal) dependencies[dep] = `file:${tarballs.get(dep)}`;
  for (const dep of [pkg, ...internalClosure(pkg, all)]) {
    for (const [peer, range] of Object.entries(dep.manifest.peerDependencies ?? {})) {
      if (!internal.includes(peer)) dependencies[peer] ??= range;
    }
  }
  const extra: string[] = existsSync(join(smokeDir, 'smoke.json'))
    ? JSON.parse(readFileSync(join(smokeDir, 'smoke.json'), 'utf8')).install
    : [];

  const dir = mkdtempSync(join(tmpdir(), `fipc-smoke-${name.replace(/\W+/g, '-')}-`));
  try {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'fipc-smoke-consumer',
        private: true,
        type: 'module',
        dependencies,
        // The tarballs must satisfy the workspace packages' ranges on each other, never the registry.
        overrides: Object.fromEntries(internal.map((dep) => [dep, `$${dep}`])),
      }),
    );
    const started = Date.now();
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...extra, typesNode], {
      cwd: dir,
      env: npmEnv,
    });
    const installed = readdirSync(join(dir, 'node_modules/@fipc')).map((entry) => `@fipc/${entry}`);
    const unexpected = installed.filter((dep) => !internal.includes(dep));
    if (unexpected.length) throw new Error(`installing ${name} also installed ${unexpected.join(', ')}`);
    const installMs = Date.now() - started;

    for (const file of readdirSync(smokeDir))
      cpSync(join(smokeDir, file), join(dir, file), { recursive: true });
    const scriptStarted = Date.now();
    const script = await exec(process.execPath, ['smoke.mjs'], { cwd: dir, env: npmEnv });
    if (script.code !== 0) throw new Error(`smoke.mjs exited ${script.code}\n${script.output}`);
    const scriptMs = Date.now() - scriptStarted;

    const typesStarted = Date.now();
    const checked: string[] = [];
    for (const [mode, options] of Object.entries(modes)) {
      const config = `tsconfig.${mode}.json`;
      writeFileSync(
        join(dir, config),
        JSON.stringify({ compilerOptions: { ...compilerOptions, ...options }, files: ['consumer.ts'] }),
      );
      const types = await exec(process.execPath, [tsc, '-p', config], { cwd: dir, env: npmEnv });
      if (types.code !== 0) throw new Error(`consumer.ts does not type-check with ${mode}\n${types.output}`);
      checked.push(mode);
    }
    const deps = installed.length > 1 ? ` (with ${closure.join(', ')})` : '';
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return `ok   ${name}${deps}: installed (${s(installMs)}), smoke.mjs passed (${s(scriptMs)}), types resolve with ${checked.join(' and ')} (${s(Date.now() - typesStarted)})\n${script.output.trim().replace(/^/gm, '     ')}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const all = publishedPackages();
const selected = all.filter((pkg) => !filter.length || filter.some((f) => pkg.manifest.name.includes(f)));
const dest = mkdtempSync(join(tmpdir(), 'fipc-smoke-packs-'));
let failed = 0;
try {
  const tarballs = await packAll(all, dest);
  const results = await pool(selected, 2, (pkg) =>
    smoke(pkg, all, tarballs).then(
      (report) => report,
      (error: Error) => {
        failed++;
        return `FAIL ${pkg.manifest.name}: ${error.message}`;
      },
    ),
  );
  for (const report of results) console.log(report);
} finally {
  rmSync(dest, { recursive: true, force: true });
}
console.log(`smoke: ${selected.length - failed} of ${selected.length} packages install alone and work`);
process.exitCode = failed ? 1 : 0;
