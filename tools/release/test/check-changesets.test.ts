import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnTs, tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '../src/check-changesets.ts');

/** A scratch git repository shaped like the workspace, with one published package `@x/a` at 0.1.0. */
function scratchRepo() {
  const root = tempDir('fipc-changesets-');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root, stdio: 'pipe' });
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const manifest = (fields: object) =>
    write('packages/a/package.json', JSON.stringify({ name: '@x/a', version: '0.1.0', ...fields }, null, 2));
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-qm', message);
  };
  const check = async () => {
    const child = spawnTs(script, [], { env: { ...process.env, FIPC_RELEASE_ROOT: root } });
    const { code } = await child.exited;
    return { ok: code === 0, output: child.stdout + child.stderr };
  };
  git('init', '-q');
  write('.changeset/README.md', '# changesets\n');
  write(
    'packages/private/package.json',
    JSON.stringify({ name: '@x/private', version: '0.0.0', private: true }),
  );
  manifest({});
  write('packages/a/src/index.ts', 'export const a = 1;\n');
  commit('add @x/a');
  return { root, write, manifest, commit, check, rm: (path: string) => rmSync(join(root, path)) };
}

describe('check-changesets', () => {
  it('passes on a package untouched since it was added, fails once its source changes', async () => {
    const repo = scratchRepo();
    expect(await repo.check()).toMatchObject({
      ok: true,
      output: expect.stringContaining('no user-facing change'),
    });
    repo.write('packages/a/src/index.ts', 'export const a = 2;\n');
    repo.commit('change a');
    const result = await repo.check();
    expect(result.ok).toBe(false);
    expect(result.output).toContain('@x/a changed since');
    expect(result.output).toContain('src/index.ts');
  });

  it('accepts the change once a pending changeset names the package', async () => {
    const repo = scratchRepo();
    repo.write('packages/a/README.md', '# a\n');
    repo.write('.changeset/brave-cats.md', "---\n'@x/a': minor\n---\n\nDocument a.\n");
    repo.commit('readme');
    expect(await repo.check()).toMatchObject({ ok: true, output: expect.stringContaining('brave-cats.md') });
  });

  it('sees uncommitted and untracked files too', async () => {
    const repo = scratchRepo();
    repo.write('packages/a/src/new-file.ts', 'export {};\n');
    expect(await repo.check()).toMatchObject({
      ok: false,
      output: expect.stringContaining('src/new-file.ts'),
    });
  });

  it('ignores tests, benchmarks, smoke scripts and devDependency or script edits', async () => {
    const repo = scratchRepo();
    repo.write('packages/a/test/a.test.ts', '');
    repo.write('packages/a/bench/a.bench.ts', '');
    repo.write('packages/a/smoke/smoke.mjs', '');
    repo.manifest({ devDependencies: { vitest: '^4' }, scripts: { test: 'vitest' } });
    repo.commit('tests');
    expect((await repo.check()).ok).toBe(true);
    repo.manifest({ dependencies: { zod: '^4' } });
    expect(await repo.check()).toMatchObject({ ok: false, output: expect.stringContaining('package.json') });
  });

  it('starts over after a release: the version bump is the new base', async () => {
    const repo = scratchRepo();
    repo.write('packages/a/src/index.ts', 'export const a = 2;\n');
    repo.write('.changeset/brave-cats.md', "---\n'@x/a': patch\n---\n\nFix a.\n");
    repo.commit('fix');
    // What `pnpm version-packages` does: bump, write the changelog, consume the changeset.
    repo.manifest({ version: '0.1.1' });
    repo.write('packages/a/CHANGELOG.md', '# @x/a\n\n## 0.1.1\n');
    repo.rm('.changeset/brave-cats.md');
    repo.commit('Version packages');
    expect((await repo.check()).ok).toBe(true);
    repo.write('packages/a/src/index.ts', 'export const a = 3;\n');
    repo.commit('change again');
    expect((await repo.check()).ok).toBe(false);
  });

  it('rejects changesets naming unknown or private packages, or a bad bump', async () => {
    const repo = scratchRepo();
    repo.write('.changeset/odd.md', '---\n\'@x/private\': minor\n"@x/a": huge\n---\n\nOdd.\n');
    const { ok, output } = await repo.check();
    expect(ok).toBe(false);
    expect(output).toContain('@x/private, which is not a published package');
    expect(output).toContain('"huge" for @x/a');
  });

  it('reports a changeset whose front matter was mangled, and still reads the others', async () => {
    const repo = scratchRepo();
    repo.write('packages/a/src/index.ts', 'export const a = 2;\n');
    repo.write('.changeset/good.md', "---\n'@x/a': patch\n---\n\nFix a.\n");
    // What a markdown formatter makes of front matter.
    repo.write('.changeset/mangled.md', "---\n\n## '@x/a': minor\n\nAdd a.\n");
    const { ok, output } = await repo.check();
    expect(ok).toBe(false);
    expect(output).toContain('.changeset/mangled.md does not start with front matter');
    expect(output).toContain('covered by .changeset/good.md');
  });

  it('requires a changeset for a package that was never committed', async () => {
    const repo = scratchRepo();
    repo.write('packages/b/package.json', JSON.stringify({ name: '@x/b', version: '0.1.0' }));
    repo.write('packages/b/src/index.ts', 'export {};\n');
    expect(await repo.check()).toMatchObject({ ok: false, output: expect.stringContaining('@x/b') });
    repo.write('.changeset/new-b.md', "---\n'@x/b': minor\n---\n\nAdd b.\n");
    expect((await repo.check()).ok).toBe(true);
  });
});
