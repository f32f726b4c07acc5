import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { holdsOpen, Shell, sh } from './helpers/shell.js';

const records = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

// Each step starts a real `fipc` process; on a loaded shared machine that alone can take seconds.
describe('fipc emit', { timeout: 300_000 }, () => {
  it('appends protocol records that tail prints for people and as JSONL', async () => {
    const dir = join(tempDir(), 'run-7');
    const log = join(dir, 'events.jsonl');
    const emitted = await sh(
      [
        `fipc emit ${log} started`,
        `fipc emit ${log} progress --phase build --data '{"percent":40,"step":"compile","note":"two words"}'`,
        `fipc emit ${log} completed --phase build --instance other --durable`,
      ].join(' && '),
    );
    expect(emitted).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const written = records(log);
    expect(written.map((r) => Object.keys(r))).toEqual(
      Array(3).fill(['schema_version', 'timestamp', 'instance_id', 'event_type', 'phase', 'data', 'seq']),
    );
    expect(written.map((r) => [r.instance_id, r.event_type, r.phase])).toEqual([
      ['run-7', 'started', null],
      ['run-7', 'progress', 'build'],
      ['other', 'completed', 'build'],
    ]);

    const human = await sh(`fipc tail ${log}`);
    expect(human.code).toBe(0);
    const time = (r: { timestamp: string }) => r.timestamp.slice(11, 23);
    expect(human.stdout).toBe(
      [
        `${time(written[0])}  started           -`,
        `${time(written[1])}  progress          build       percent=40 step=compile note="two words"`,
        `${time(written[2])}  completed         build`,
        '',
      ].join('\n'),
    );
    expect(human.stdout).not.toContain('\x1b[');

    const raw = await sh(`fipc tail ${dir} --json`);
    const entries = raw.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(entries.map((entry) => entry.record)).toEqual(written);
    // Each line says where its record starts and where the next read resumes (a checkpoint for --from).
    const ends = [...readFileSync(log, 'utf8').matchAll(/\n/g)].map((match) => match.index + 1);
    expect(entries.map((entry) => [entry.offset, entry.nextOffset])).toEqual([
      [0, ends[0]],
      [ends[0], ends[1]],
      [ends[1], ends[2]],
    ]);
    const resumed = await sh(`fipc tail ${dir} --json --from ${entries[1].nextOffset}`);
    expect(
      resumed.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([entries[2]]);
  });

  it('takes an instance directory, names the instance after it, and prints what it wrote with --json', async () => {
    const dir = join(tempDir(), 'job-1');
    const { stdout, code } = await sh(
      `mkdir ${dir} && fipc emit ${dir} hello --json && fipc emit ${dir} again --json`,
    );
    expect(code).toBe(0);
    const [first, second] = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(first.offset).toBe(0);
    expect(first.record).toMatchObject({ instance_id: 'job-1', event_type: 'hello', data: {} });
    expect(second.offset).toBe(readFileSync(join(dir, 'events.jsonl'), 'utf8').indexOf('\n') + 1);
  });

  it('keeps records whole when several shells append at once', async () => {
    const log = join(tempDir(), 'events.jsonl');
    const big = 'x'.repeat(20_000);
    const { code, stderr } = await sh(
      `for i in $(seq 1 8); do fipc emit ${log} tick --data "{\\"i\\":$i,\\"pad\\":\\"${big}\\"}" & done; wait`,
    );
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const written = records(log);
    expect(written.map((r) => r.data.i).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(written.every((r) => r.data.pad === big)).toBe(true);
  });

  it('refuses a record over the size limit and writes nothing', async () => {
    const log = join(tempDir(), 'events.jsonl');
    const { code, stderr } = await sh(
      `python3 -c 'import json; print(json.dumps({"pad": "x" * 1100000}))' | fipc emit ${log} big --data -`,
    );
    expect(code).toBe(4);
    expect(stderr).toMatch(/exceeds maxRecordBytes/);
    expect(readFileSync(log, 'utf8')).toBe('');
  });
});

// Each step starts a real `fipc` process; on a loaded shared machine that alone can take seconds.
describe('fipc tail', { timeout: 300_000 }, () => {
  function writeLog(dir: string, types: string[]): string {
    const log = join(dir, 'events.jsonl');
    const lines = types.map((type, i) =>
      JSON.stringify({
        schema_version: 1,
        timestamp: `2026-11-24T10:00:0${i}.000000+00:00`,
        instance_id: 'run',
        event_type: type,
        phase: null,
        data: { i },
      }),
    );
    writeFileSync(log, `${lines.join('\n')}\n`);
    return log;
  }

  it('filters by type, starts at an offset or at the end, and reads the short variant', async () => {
    const dir = tempDir();
    const log = writeLog(dir, ['a', 'b', 'a', 'c']);
    appendFileSync(log, '{"ts":"2026-11-24T10:00:09Z","id":"run","type":"short","data":{"k":"v"}}\n');
    const second = readFileSync(log, 'utf8').indexOf('\n') + 1;
    const { stdout, code } = await sh(
      [
        `fipc tail ${log} --type a --type c --json`,
        'echo ---',
        `fipc tail ${log} --from ${second} --json`,
        'echo ---',
        `fipc tail ${log} --from end`,
        'echo ---',
        `fipc tail ${log} --from ${second + 3} --json`,
        'echo ---',
        `fipc tail ${log} --type short`,
      ].join('\n'),
    );
    expect(code).toBe(0);
    const [filtered, fromOffset, fromEnd, fromMiddle, short] = stdout.split('---\n');
    const types = (text?: string) =>
      text!
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).record.event_type);
    expect(types(filtered)).toEqual(['a', 'a', 'c']);
    expect(types(fromOffset)).toEqual(['b', 'a', 'c', 'short']);
    expect(fromEnd).toBe('');
    expect(types(fromMiddle)).toEqual(['a', 'c', 'short']);
    // Dates other than today are shown; times in the local zone (TZ=UTC here).
    expect(short).toBe('2026-11-24 10:00:09.000  short             -           k=v\n');
  });

  it('reports corrupt and torn lines on stderr with their offsets and keeps going', async () => {
    const dir = tempDir();
    const log = writeLog(dir, ['a']);
    const size = readFileSync(log).length;
    appendFileSync(log, '{"torn":\n[1,2]\n');
    appendFileSync(log, Buffer.from([0xff, 0xfe, 0x0a]));
    appendFileSync(log, readFileSync(log, 'utf8').split('\n')[0]!.replace('"a"', '"b"'));
    appendFileSync(log, '\n{"unfinished":');
    const { stdout, stderr, code } = await sh(`fipc tail ${log} --json`);
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).record.event_type),
    ).toEqual(['a', 'b']);
    expect(stderr.trim().split('\n')).toEqual([
      `fipc: ${log}: skipped 8 bytes at offset ${size}: invalid JSON`,
      `fipc: ${log}: skipped 5 bytes at offset ${size + 9}: not a JSON object`,
      `fipc: ${log}: skipped 2 bytes at offset ${size + 15}: invalid UTF-8`,
    ]);
  });

  it('never lets control characters in a record reach the terminal', async () => {
    const log = join(tempDir(), 'events.jsonl');
    await sh(
      `fipc emit ${log} $'evil\\x1b]0;pwned\\x07' --phase $'p\\x1b[2J' --data '{"k":"\\u001b[31mred"}'`,
    );
    const { stdout } = await sh(`fipc tail ${log}`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(stdout).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
    expect(stdout).toContain('evil\\u001b]0;pwned\\u0007');
    expect(stdout).toContain('p\\u001b[2J');
    expect(stdout).toContain('k="\\u001b[31mred"');
  });

  const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;
  if (!hasScript) console.log('colour test skipped: `script` (util-linux) is needed for a pseudo-terminal');
  it.skipIf(!hasScript)('colours output only on a terminal, and never with NO_COLOR', async () => {
    const log = writeLog(tempDir(), ['completed']);
    // `script` gives the command a real pseudo-terminal as stdout.
    const tty = await sh(`script -qec "fipc tail ${log}" /dev/null`);
    expect(tty.stdout).toContain('\x1b[32mcompleted');
    const noColor = await sh(`script -qec "fipc tail ${log}" /dev/null`, { env: { NO_COLOR: '1' } });
    expect(noColor.stdout).toContain('completed');
    expect(noColor.stdout).not.toContain('\x1b[');
    const piped = await sh(`fipc tail ${log} | cat`);
    expect(piped.stdout).not.toContain('\x1b[');
  });

  it('stops quietly when its reader goes away, and fails when stdout cannot be written', async () => {
    const log = writeLog(tempDir(), Array(5000).fill('tick'));
    const { stdout, stderr } = await sh(`fipc tail ${log} | head -n 2; echo "tail=\${PIPESTATUS[0]}"`);
    expect(
      stdout
        .split('\n')
        .slice(0, 2)
        .every((line) => line.includes('tick')),
    ).toBe(true);
    expect(stdout).toContain('tail=0');
    expect(stderr).toBe('');
    // A full disk, unlike a reader that left, is a failure.
    const full = await sh(`fipc tail ${log} > /dev/full`);
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/^fipc: cannot write to stdout: ENOSPC/);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '--follow prints records as they arrive, survives truncation, and exits 0 on %s',
    async (signal) => {
      const dir = tempDir();
      const log = join(dir, 'events.jsonl');
      const follower = new Shell(`exec fipc tail ${log} --follow --json`);
      await waitFor(() => follower.stderr.includes('does not exist yet'), {
        timeoutMs: 120_000,
        what: 'waiting note',
      });
      await sh(`fipc emit ${log} one && fipc emit ${log} two --data '{"n":2}'`);
      await waitFor(() => follower.lines.length === 2, { timeoutMs: 120_000, what: 'two records' });
      writeFileSync(log, '');
      await waitFor(() => follower.stderr.includes('was truncated'), {
        timeoutMs: 120_000,
        what: 'truncation',
      });
      await sh(`fipc emit ${log} three`);
      await waitFor(() => follower.lines.length === 3, { timeoutMs: 120_000, what: 'third record' });
      follower.process.kill(signal);
      const { code, stderr } = await follower.done;
      expect(code).toBe(0);
      expect(follower.lines.map((line) => JSON.parse(line).record.event_type)).toEqual([
        'one',
        'two',
        'three',
      ]);
      expect(stderr).not.toMatch(/error|at .*:\d+/i);
    },
  );

  it('--follow --from end skips what is there and follows a replaced log', async () => {
    const dir = tempDir();
    const log = writeLog(dir, ['old']);
    const follower = new Shell(`exec fipc tail ${log} -f --from end --type new`);
    await waitFor(() => holdsOpen(follower.process.pid!, log), {
      timeoutMs: 120_000,
      what: 'the follower to open the log',
    });
    await sh(`fipc emit ${log} ignored && fipc emit ${log} new --phase p1`);
    await waitFor(() => follower.lines.length === 1, { timeoutMs: 120_000, what: 'the new record' });
    writeLog(join(dir), []);
    const replacement = join(dir, 'next.jsonl');
    await sh(`fipc emit ${replacement} new --phase p2`);
    renameSync(replacement, log);
    await waitFor(() => follower.lines.length === 2, {
      timeoutMs: 120_000,
      what: 'the record of the new file',
    });
    follower.process.kill('SIGINT');
    expect((await follower.done).code).toBe(0);
    expect(follower.lines.map((line) => line.split(/\s+/).slice(1, 3))).toEqual([
      ['new', 'p1'],
      ['new', 'p2'],
    ]);
    expect(follower.stderr).toMatch(/was (replaced|truncated)/);
  });
});
