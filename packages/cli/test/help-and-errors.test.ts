import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands, ExitCode } from '@fipc/cli';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { sh } from './helpers/shell.js';

// A Node stack trace line: "    at fn (file:line:col)".
const stackTrace = /^\s+at .+[:(]/m;

// Each step starts a real `fipc` process; on a loaded shared machine that alone can take seconds.
describe('help', { timeout: 300_000 }, () => {
  it('lists every command and the exit codes', async () => {
    const { code, stdout, stderr } = await sh('fipc --help');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    for (const command of commands) expect(stdout).toContain(`  ${command.name} `);
    for (const status of Object.values(ExitCode))
      expect(stdout).toMatch(new RegExp(`^\\s+${status}  \\S`, 'm'));
  });

  it('gives every command a --help with its usage and a runnable example', async () => {
    const script = commands.map((c) => `fipc ${c.name} --help; echo "exit=$?"; echo '<<<>>>'`).join('\n');
    const { stdout, stderr } = await sh(script);
    expect(stderr).toBe('');
    const pages = stdout.split('<<<>>>\n').slice(0, -1);
    expect(pages).toHaveLength(commands.length);
    commands.forEach((command, i) => {
      const page = pages[i]!;
      expect(page).toContain(`Usage: fipc ${command.name} `);
      expect(page).toMatch(/^Examples?:$/m);
      expect(page).toContain(`  $ fipc ${command.name.split(' ')[0]} `);
      expect(page).toMatch(/exit=0\n$/);
    });
  });

  it('answers `fipc help <command>` and -h like --help', async () => {
    const { stdout, code } = await sh('fipc help tail && fipc tail -h');
    expect(code).toBe(0);
    expect(stdout.split('Usage: fipc tail <log>')).toHaveLength(3);
  });

  it('prints the version', async () => {
    const { stdout, code } = await sh('fipc --version');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

// Each step starts a real `fipc` process; on a loaded shared machine that alone can take seconds.
describe('user errors: one line on stderr, a distinct exit code, no stack trace', {
  timeout: 300_000,
}, () => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['no command', 'fipc', ExitCode.USAGE, /missing command/],
    ['unknown command', 'fipc frobnicate', ExitCode.USAGE, /unknown command "frobnicate"/],
    ['unknown option', 'fipc tail x --bogus', ExitCode.USAGE, /Unknown option '--bogus'/],
    ['missing argument', 'fipc emit log.jsonl', ExitCode.USAGE, /missing <event_type>/],
    ['extra argument', 'fipc tail a b', ExitCode.USAGE, /unexpected argument "b"/],
    ['option without its value', 'fipc emit log.jsonl x --data', ExitCode.USAGE, /--data/],
    ['bad offset', 'fipc tail log.jsonl --from -3', ExitCode.USAGE, /--from/],
    ['missing log', 'fipc tail missing.jsonl', ExitCode.NOT_FOUND, /no such log: missing\.jsonl/],
    [
      'invalid JSON',
      `fipc emit log.jsonl x --data '{"a":'`,
      ExitCode.INVALID_DATA,
      /--data is not valid JSON/,
    ],
    ['JSON that is no object', `fipc emit log.jsonl x --data '[1,2]'`, ExitCode.INVALID_DATA, /JSON object/],
    ['empty event type', `fipc emit log.jsonl ''`, ExitCode.USAGE, /event_type must not be empty/],
    ['unwritable log', 'fipc emit /proc/version x', ExitCode.FAILED, /\/proc\/version/],
  ];
  it.each(cases)('%s', async (_, script, status, message) => {
    const dir = tempDir();
    const { code, stdout, stderr } = await sh(script, { cwd: dir });
    expect(code).toBe(status);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(stackTrace);
    expect(stderr).not.toContain('node:internal');
  });

  it('says which usage page to read', async () => {
    const { stderr } = await sh('fipc tail');
    expect(stderr).toBe("fipc tail: missing <log>\nRun 'fipc tail --help' for usage.\n");
  });

  it('reads a JSON argument from stdin with -', async () => {
    const dir = tempDir();
    const { code } = await sh(`printf '{"from":"stdin"}' | fipc emit ${dir} note --data -`);
    expect(code).toBe(0);
    const { stdout } = await sh(`fipc tail ${dir} --json`);
    expect(JSON.parse(stdout).record.data).toEqual({ from: 'stdin' });
  });

  it('reports a bad line in a log without failing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.jsonl'), 'not json\n');
    const { code, stderr } = await sh(`fipc tail ${dir}`);
    expect(code).toBe(0);
    expect(stderr).toMatch(/skipped 8 bytes at offset 0: invalid JSON/);
  });
});
