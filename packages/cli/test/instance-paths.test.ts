import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { sh } from './helpers/shell.js';

// Each step starts a real `fipc` process; on a loaded shared machine that alone can take seconds.
describe('a path argument means the same thing to every command', { timeout: 300_000 }, () => {
  it('emit then state set on a bare name in an empty folder: one instance directory, the log intact', async () => {
    const cwd = tempDir();
    const { code, stdout, stderr } = await sh(
      [
        `fipc emit run-1 progress --phase build --data '{"percent":40}'`,
        `fipc state set run-1 '{"status":"running"}'`,
        'fipc tail run-1 --json',
        'fipc state get run-1 --compact',
      ].join(' && '),
      { cwd },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(statSync(join(cwd, 'run-1')).isDirectory()).toBe(true);
    expect(readdirSync(join(cwd, 'run-1')).sort()).toEqual(['events.jsonl', 'state.json']);
    const [tailed, state] = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(tailed.record).toMatchObject({
      instance_id: 'run-1',
      event_type: 'progress',
      data: { percent: 40 },
    });
    expect(state).toMatchObject({ instance_id: 'run-1', status: 'running' });
  });

  it('a bare name for state set first creates the instance directory, as emit does', async () => {
    const cwd = tempDir();
    const { code, stderr } = await sh(
      `fipc state set runs/run-2 '{"status":"queued"}' && fipc emit runs/run-2 queued`,
      { cwd },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(readdirSync(join(cwd, 'runs/run-2')).sort()).toEqual(['events.jsonl', 'state.json']);
  });

  it('a name with an extension is a file, and the instance is named after its resolved directory', async () => {
    const cwd = join(tempDir(), 'job-9');
    const { code, stderr } = await sh(
      `mkdir ${cwd} && cd ${cwd} && fipc emit log.jsonl started && fipc state set s.json '{"ok":true}'`,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(readdirSync(cwd).sort()).toEqual(['log.jsonl', 's.json']);
    expect(JSON.parse(readFileSync(join(cwd, 'log.jsonl'), 'utf8')).instance_id).toBe('job-9');
    expect(JSON.parse(readFileSync(join(cwd, 's.json'), 'utf8')).instance_id).toBe('job-9');
  });

  it('state set never replaces a file that is not a snapshot (an event log, other data)', async () => {
    const cwd = tempDir();
    // What `fipc emit run-1 ...` used to leave in an empty folder: a file named run-1 holding the log.
    const log =
      '{"schema_version":1,"timestamp":"2026-11-24T10:00:00.000Z","instance_id":".","event_type":"progress","phase":"build","data":{"percent":40},"seq":1}\n';
    writeFileSync(join(cwd, 'run-1'), log);
    writeFileSync(join(cwd, 'notes.json'), '[1,2,3]');
    const { stdout } = await sh(
      [
        `fipc state set run-1 '{"status":"running"}'; echo "bare=$?"`,
        `fipc state set run-1 '{"status":"running"}' --merge; echo "merge=$?"`,
        `fipc state set notes.json '{"status":"running"}'; echo "other=$?"`,
        'fipc tail run-1 --json >/dev/null; echo "tail=$?"',
      ].join('\n'),
      { cwd },
    );
    expect(stdout).toBe('bare=4\nmerge=4\nother=4\ntail=0\n');
    expect(readFileSync(join(cwd, 'run-1'), 'utf8')).toBe(log);
    expect(readFileSync(join(cwd, 'notes.json'), 'utf8')).toBe('[1,2,3]');
    const { stderr } = await sh(`fipc state set run-1 '{}'`, { cwd });
    expect(stderr).toMatch(
      /^fipc state set: run-1 exists and is not a state snapshot .*refusing to replace it\n$/,
    );
  });

  it('request, pending and respond refuse a file where the instance directory belongs', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'run-1'), 'data\n');
    const { stdout, stderr } = await sh(
      [
        `fipc request run-1 '{"q":1}' --timeout 1; echo "request=$?"`,
        'fipc pending run-1; echo "pending=$?"',
        'fipc respond run-1 some-id 1; echo "respond=$?"',
      ].join('\n'),
      { cwd },
    );
    expect(stdout).toBe('request=2\npending=2\nrespond=2\n');
    expect(stderr).toContain('fipc request: run-1 is a file, not an instance directory');
    expect(readFileSync(join(cwd, 'run-1'), 'utf8')).toBe('data\n');
  });
});
