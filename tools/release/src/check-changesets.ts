import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pendingChangesets } from './changesets.js';
import { run } from './exec.js';
import { type Manifest, publishedPackages, root } from './workspace.js';

// `pnpm check-changesets`: fails when a published package changed since its last release without a pending
// changeset that names it. It needs no remote branch, so it works the same on a fresh `git clone` in CI, on a
// branch, and with uncommitted work.
//
// The rule, per package under packages/*:
// - its last release is the last commit that changed the `"version"` line of its package.json: the commit of
//   `pnpm version-packages` (which also consumes the changesets), or the commit that added the package;
// - what changed since then is every file under the package that differs from that commit in the working
//   tree (committed since, uncommitted or untracked), except what never reaches users: test/, bench/, smoke/,
//   CHANGELOG.md, tsconfig.json, and package.json edits confined to devDependencies and scripts;
// - if anything changed, a file in .changeset/ must name the package.
// Pending changesets must name only published packages, with a bump of patch, minor or major.

const git = (...args: string[]) => run('git', args, { cwd: root }).then((out) => out.trim());
const userFacing = (file: string) => !/^(test|bench|smoke)\/|^(CHANGELOG\.md|tsconfig\.json)$/.test(file);

function canonical(manifest: Manifest): string {
  const { devDependencies: _dev, scripts: _scripts, ...rest } = manifest;
  const sort = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sort(v)]),
        )
      : value;
  return JSON.stringify(sort(rest));
}

if ((await git('rev-parse', '--is-shallow-repository')) === 'true') {
  console.warn(
    'warning: shallow clone; a package whose last release is not in the fetched history is compared with its oldest fetched commit',
  );
}

const packages = publishedPackages();
const names = new Set(packages.map((pkg) => pkg.manifest.name));
const problems: string[] = [];
const changesets = pendingChangesets(root);
for (const { file, releases, error } of changesets) {
  if (error) problems.push(error);
  for (const { name, type } of releases) {
    if (!names.has(name))
      problems.push(`${file} names ${name}, which is not a published package under packages/*`);
    if (!['patch', 'minor', 'major'].includes(type))
      problems.push(`${file}: "${type}" for ${name} is not patch, minor or major`);
  }
}

for (const pkg of packages) {
  const { name } = pkg.manifest;
  const manifestPath = `${pkg.path}/package.json`;
  const base = await git('log', '-1', '--format=%H', '-G"version"[[:space:]]*:', '--', manifestPath);
  const changed = base
    ? [
        ...(await git('diff', '--name-only', base, '--', pkg.path)).split('\n'),
        ...(await git('ls-files', '--others', '--exclude-standard', '--', pkg.path)).split('\n'),
      ]
    : // Never committed: all of it is new.
      (await git('ls-files', '--cached', '--others', '--exclude-standard', '--', pkg.path)).split('\n');
  const userChanges: string[] = [];
  for (const file of new Set(changed.filter(Boolean).map((path) => path.slice(pkg.path.length + 1)))) {
    if (!userFacing(file)) continue;
    if (file === 'package.json' && base && existsSync(join(root, manifestPath))) {
      const before = await run('git', ['show', `${base}:${manifestPath}`], { cwd: root }).catch(() => '{}');
      const now = readFileSync(join(root, manifestPath), 'utf8');
      if (canonical(JSON.parse(before)) === canonical(JSON.parse(now))) continue;
    }
    userChanges.push(file);
  }
  const covering = changesets.filter((c) => c.releases.some((r) => r.name === name)).map((c) => c.file);
  const since = base ? `since ${base.slice(0, 7)} (its last version change)` : 'not committed yet';
  if (userChanges.length === 0) console.log(`ok   ${name}: no user-facing change ${since}`);
  else if (covering.length)
    console.log(
      `ok   ${name}: ${userChanges.length} changed file(s) ${since}, covered by ${covering.join(', ')}`,
    );
  else {
    problems.push(
      `${name} changed ${since} without a changeset: ${userChanges.join(', ')}\n     run \`pnpm changeset\`, pick ${name}, describe the change for users and commit the new .changeset/*.md`,
    );
  }
}

for (const problem of problems) console.log(`FAIL ${problem}`);
console.log(
  `check-changesets: ${problems.length ? `${problems.length} problem(s)` : 'every changed package has a changeset'}`,
);
process.exitCode = problems.length ? 1 : 0;
