import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { Shell, sh } from './helpers/shell.js';

const original = fileURLToPath(new URL('fixtures/original.py', import.meta.url));

// Each step starts a real `fipc` process; on a loaded shared machine that alone can take seconds.
describe('fipc state', { timeout: 300_000 }, () => {
  it('sets, merges and gets a snapshot, by file or by instance directory', async () => {
    const dir = join(tempDir(), 'run-3');
    mkdirSync(dir);
    const { code, stdout, stderr } = await sh(
      [
        `fipc state set ${dir} '{"status":"running","percent":10,"keep":true}'`,
        `fipc state set ${dir}/state.json '{"percent":50}' --merge --durable`,
        `fipc state get ${dir}`,
        'echo ---',
        `fipc state set ${dir} '{"status":"done"}' --instance other --json`,
        `fipc state get ${dir}/state.json --compact`,
      ].join(' && '),
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [pretty, rest] = stdout.split('---\n');
    const merged = JSON.parse(pretty!);
    expect(merged).toEqual({
      instance_id: 'run-3',
      updated_at: expect.any(String),
      status: 'running',
      percent: 50,
      keep: true,
    });
    expect(pretty).toContain('\n  "status": "running",\n');
    const [written, got] = rest!.trim().split('\n');
    expect(JSON.parse(got!)).toEqual(JSON.parse(written!));
    expect(JSON.parse(got!)).toMatchObject({ instance_id: 'other', status: 'done' });
    expect(JSON.parse(got!)).not.toHaveProperty('percent');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('reads what the Python original wrote', async () => {
    const dir = join(tempDir(), 'py-run');
    const { stdout, code } = await sh(
      `python3 ${original} ${dir} state status=waiting step=2 && fipc state get ${dir} --compact`,
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ instance_id: 'py-run', status: 'waiting', step: '2' });
    expect(JSON.parse(stdout).updated_at).toMatch(/\+00:00$/);
  });

  const errors: Array<[string, (dir: string) => string, number, RegExp]> = [
    ['a missing file', (dir) => `fipc state get ${dir}/nope.json`, 3, /no such file or directory/],
    [
      'a file that is not JSON',
      (dir) => {
        writeFileSync(join(dir, 'state.json'), '{"instance_id":');
        return `fipc state get ${dir}`;
      },
      4,
      /not valid .*JSON/,
    ],
    [
      'JSON that is not a snapshot',
      (dir) => {
        writeFileSync(join(dir, 'state.json'), '[1,2]');
        return `fipc state get ${dir}`;
      },
      4,
      /state\.json/,
    ],
    ['invalid JSON to set', (dir) => `fipc state set ${dir} '{nope}'`, 4, /<json> is not valid JSON/],
    ['an array to set', (dir) => `fipc state set ${dir} '[]'`, 4, /must be a JSON object/],
    [
      'a symlink in place of the file',
      (dir) => {
        writeFileSync(join(dir, 'elsewhere'), '{}');
        symlinkSync(join(dir, 'elsewhere'), join(dir, 'state.json'));
        return `fipc state set ${dir}/state.json '{"a":1}'`;
      },
      1,
      /symlink/,
    ],
    [
      'a missing state subcommand',
      () => 'fipc state',
      2,
      /missing state command: expected state get, state set, state watch/,
    ],
    ['an unknown state subcommand', () => 'fipc state put x', 2, /unknown state command "put"/],
  ];
  it.each(errors)('reports %s with its exit code', async (_, setup, status, message) => {
    const dir = tempDir();
    const { code, stderr, stdout } = await sh(setup(dir));
    expect(stdout).toBe('');
    expect(code).toBe(status);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('watch prints each new snapshot, ends on the last one of a burst, and exits 0 on SIGINT', async () => {
    const dir = join(tempDir(), 'watched');
    const watcher = new Shell(`exec fipc state watch ${dir}/ --json`);
    await waitFor(() => watcher.stderr.includes('does not exist yet'), {
      timeoutMs: 120_000,
      what: 'waiting note',
    });
    await sh(`mkdir -p ${dir} && fipc state set ${dir} '{"status":"starting"}'`);
    await waitFor(() => watcher.lines.length === 1, { timeoutMs: 120_000, what: 'first snapshot' });
    // 300 atomic replacements in a row by the Python original (mkstemp + os.replace).
    await sh(`python3 ${original} ${dir} burst 300`);
    await waitFor(() => JSON.parse(watcher.lines.at(-1)!).percent === 300, {
      timeoutMs: 120_000,
      what: 'the final snapshot of the burst',
    });
    writeFileSync(join(dir, 'state.json'), '{"torn":');
    await waitFor(() => watcher.stderr.includes('skipped an invalid snapshot'), {
      timeoutMs: 120_000,
      what: 'report',
    });
    watcher.process.kill('SIGINT');
    const { code } = await watcher.done;
    expect(code).toBe(0);
    const seen = watcher.lines.map((line) => JSON.parse(line));
    expect(seen[0]).toMatchObject({ instance_id: 'watched', status: 'starting' });
    const percents = seen.slice(1).map((s) => s.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(percents).size).toBe(percents.length);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe('{"torn":');
  });

  it('watch prints a readable line per snapshot by default', async () => {
    const dir = join(tempDir(), 'human');
    await sh(`mkdir ${dir} && fipc state set ${dir} '{"status":"running","percent":5,"msg":"hi there"}'`);
    const watcher = new Shell(`exec fipc state watch ${dir}`);
    await waitFor(() => watcher.lines.length === 1, { timeoutMs: 120_000, what: 'a line' });
    watcher.process.kill('SIGTERM');
    expect((await watcher.done).code).toBe(0);
    expect(watcher.lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}status=running percent=5 msg="hi there"$/);
  });
});
