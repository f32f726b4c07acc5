import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pendingChangesets } from './changesets.js';
import { pnpm, run } from './exec.js';
import { type Manifest, publishedPackages, root } from './workspace.js';

// `pnpm release:dry-run`: the whole release of the committed tree, without publishing anything.
// In a fresh clone: install, add a patch changeset per package if none is pending, `pnpm version-packages`
// (check versions, CHANGELOG.md, consumed changesets), then `pnpm release` against a throwaway registry on
// 127.0.0.1 that records what would have been published (check each tarball: version, no `workspace:`
// range, no src export, the build inside).

const bump = (version: string, type: string) => {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  if (type === 'major') return `${major + 1}.0.0`;
  if (type === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
};

const work = mkdtempSync(join(tmpdir(), 'fipc-release-dry-run-'));
const repo = join(work, 'repo');
const published = new Map<string, Record<string, unknown>>();
const registry = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => {
    body += chunk;
  });
  req.on('end', () => {
    const name = decodeURIComponent(req.url!.slice(1).split('?')[0]!);
    if (req.method === 'PUT') {
      published.set(name, JSON.parse(body));
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
    }
  });
});
const problems: string[] = [];
try {
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
  const npmrc = join(work, '.npmrc');
  writeFileSync(
    npmrc,
    `registry=${url}\n@fipc:registry=${url}\n//127.0.0.1:${new URL(url).port}/:_authToken=dry-run\n`,
  );
  // Only the throwaway registry is reachable for publishing; installs still use the normal registry/cache.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_)/i.test(key)));
  const publishEnv = {
    ...env,
    NPM_CONFIG_USERCONFIG: npmrc,
    npm_config_registry: url,
    'npm_config_@fipc:registry': url,
  };
  const sh = (args: string[], options = { env }) => {
    const [command, full] = pnpm(args);
    return run(command, full, { cwd: repo, env: options.env });
  };

  await run('git', ['clone', '-q', root, repo], { cwd: work });
  console.log('cloned; installing');
  await sh(['install', '--frozen-lockfile', '--prefer-offline']);

  const packages = publishedPackages().map((pkg) => ({ ...pkg, dir: join(repo, pkg.path) }));
  if (pendingChangesets(repo).length === 0) {
    for (const pkg of packages) {
      writeFileSync(
        join(repo, '.changeset', `dry-run-${pkg.path.split('/')[1]}.md`),
        `---\n'${pkg.manifest.name}': patch\n---\n\nDry run of the release of ${pkg.manifest.name}.\n`,
      );
    }
  }
  const changesets = pendingChangesets(repo);
  const expected = new Map<string, string>();
  for (const { releases } of changesets) {
    for (const { name, type } of releases) {
      const pkg = packages.find((p) => p.manifest.name === name)!;
      const next = bump(pkg.manifest.version, type);
      // The highest bump wins when several changesets name a package.
      if (!expected.has(name) || next > expected.get(name)!) expected.set(name, next);
    }
  }
  await sh(['version-packages']);
  for (const pkg of packages) {
    const manifest = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as Manifest;
    const want = expected.get(pkg.manifest.name);
    if (!want) continue;
    if (manifest.version !== want)
      problems.push(`${pkg.manifest.name}: version-packages made ${manifest.version}, not ${want}`);
    const changelog = join(pkg.dir, 'CHANGELOG.md');
    if (!existsSync(changelog) || !readFileSync(changelog, 'utf8').includes(`## ${want}`)) {
      problems.push(`${pkg.manifest.name}: CHANGELOG.md has no "## ${want}" entry`);
    }
    console.log(`version-packages: ${pkg.manifest.name} ${pkg.manifest.version} -> ${manifest.version}`);
  }
  if (pendingChangesets(repo).length) problems.push('version-packages left changesets behind');

  console.log(`releasing to the throwaway registry ${url}`);
  const output = await sh(['release'], { env: publishEnv }).catch((error: Error) => {
    problems.push(`pnpm release failed: ${error.message}`);
    return '';
  });
  for (const pkg of packages) {
    const name = pkg.manifest.name;
    const want = expected.get(name);
    const doc = published.get(name) as
      | { versions: Record<string, Manifest>; _attachments: Record<string, { data: string }> }
      | undefined;
    if (!want) continue;
    if (!doc) {
      problems.push(`${name} was not published${output ? `\n${output}` : ''}`);
      continue;
    }
    const manifest = doc.versions[want];
    if (!manifest) {
      problems.push(`${name} was published as ${Object.keys(doc.versions)}, not ${want}`);
      continue;
    }
    const text = JSON.stringify(manifest);
    if (text.includes('workspace:')) problems.push(`${name}@${want} was published with a workspace: range`);
    if (text.includes('@fipc/source'))
      problems.push(`${name}@${want} was published with the @fipc/source export`);
    // Dependents must ask for the versions released with them (changesets' updateInternalDependencies).
    for (const [dep, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      const released = expected.get(dep);
      if (released && !range.endsWith(released)) {
        problems.push(`${name}@${want} depends on ${dep}@${range}, not on the ${released} released with it`);
      }
    }
    const [attachment] = Object.values(doc._attachments);
    const unpacked = join(work, 'published', name);
    mkdirSync(unpacked, { recursive: true });
    writeFileSync(join(unpacked, 'package.tgz'), Buffer.from(attachment!.data, 'base64'));
    await run('tar', ['xzf', 'package.tgz'], { cwd: unpacked });
    if (
      !existsSync(join(unpacked, 'package/dist/index.js')) ||
      !existsSync(join(unpacked, 'package/dist/index.d.ts'))
    ) {
      problems.push(`${name}@${want} was published without dist/index.js and dist/index.d.ts`);
    }
    console.log(`release: ${name}@${want} would be published (${attachment!.data.length} base64 bytes)`);
  }
} finally {
  registry.close();
  rmSync(work, { recursive: true, force: true });
}
for (const problem of problems) console.log(`FAIL ${problem}`);
console.log(
  `release:dry-run: ${problems.length ? `${problems.length} problem(s)` : 'versioned and published to the throwaway registry'}`,
);
process.exitCode = problems.length ? 1 : 0;
