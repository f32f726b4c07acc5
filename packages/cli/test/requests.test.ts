import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { Shell, sh } from './helpers/shell.js';

const original = fileURLToPath(new URL('fixtures/original.py', import.meta.url));
const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

// Each step starts a real `fipc` process; on a loaded shared machine that alone can take seconds.
describe('fipc request, pending, respond', { timeout: 600_000 }, () => {
  it('round trip from a shell: the answer is printed, the request leaves the pending list', async () => {
    const dir = join(tempDir(), 'run-1');
    const asker = new Shell(
      `exec fipc request ${dir} '{"question":"deploy?","env":"prod"}' --id deploy-1 --timeout 60`,
    );
    const listed = await waitFor(
      async () => {
        const { stdout } = await sh(`fipc pending ${dir} --json`);
        return stdout.trim() ? jsonLines(stdout) : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 200, what: 'the pending request' },
    );
    expect(listed).toEqual([
      {
        id: 'deploy-1',
        status: 'pending',
        payload: { question: 'deploy?', env: 'prod' },
        schema: {},
        requested_at: expect.any(String),
        expires_at: expect.any(String),
      },
    ]);
    const human = await sh(`fipc pending ${dir}`);
    expect(human.stdout).toMatch(
      /^deploy-1 {2}pending {2}\d\d:\d\d:\d\d\.\d{3} {2}expires \d\d:\d\d:\d\d\.\d{3} {2}question="deploy\?" env=prod\n$/,
    );
    const answered = await sh(`fipc respond ${dir} deploy-1 '{"approved":true,"by":"ops"}'`);
    expect(answered).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const { code, stdout, stderr } = await asker.done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ approved: true, by: 'ops' });
    expect((await sh(`fipc pending ${dir}`)).stdout).toBe('');
    expect(jsonLines((await sh(`fipc pending ${dir} --status answered --json`)).stdout)[0]).toMatchObject({
      id: 'deploy-1',
      status: 'answered',
    });
  });

  it('a second answer, an unknown id, a bad id and a missing directory have their own exit codes', async () => {
    const dir = tempDir();
    const first = new Shell(`exec fipc request ${dir} '"which?"' --id q1 --timeout 60`);
    await waitFor(() => existsSync(join(dir, 'input-requests', 'q1.json')), {
      timeoutMs: 120_000,
      what: 'request',
    });
    const { stdout, stderr } = await sh(
      [
        `fipc respond ${dir} q1 '"first"'; echo "first=$?"`,
        `fipc respond ${dir} q1 '"second"'; echo "second=$?"`,
        `fipc respond ${dir} nobody '1'; echo "unknown=$?"`,
        `fipc respond ${dir} ../../etc/passwd '1'; echo "bad=$?"`,
        `fipc respond ${dir}/missing q1 '1'; echo "missing=$?"`,
        `fipc respond ${dir} q1 '{oops'; echo "json=$?"`,
        `fipc pending ${dir} --status bogus; echo "status=$?"`,
        `fipc pending ${dir}/missing; echo "pending=$?"`,
      ].join('\n'),
    );
    expect(stdout).toBe('first=0\nsecond=6\nunknown=3\nbad=2\nmissing=3\njson=4\nstatus=2\npending=3\n');
    expect(stderr).toMatch(/already answered/);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(await first.done).toMatchObject({ code: 0, stdout: '"first"\n' });
    // Only q1's pair (hidden names are the library's temp files): nothing for the unknown or the bad id.
    const names = readdirSync(join(dir, 'input-requests')).filter((name) => !name.startsWith('.'));
    expect(names.sort()).toEqual(['q1.json', 'q1.response']);
  });

  it('exits 5 on timeout and marks the request expired for responders', async () => {
    const dir = tempDir();
    const { code, stdout, stderr } = await sh(`fipc request ${dir} '{"q":1}' --id late --timeout 0.5`);
    expect(code).toBe(5);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/late/);
    const refused = await sh(`fipc respond ${dir} late '{"a":1}'`);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(/expired/);
  });

  it('exits 130 on SIGINT and leaves the request cancelled, so responders skip it', async () => {
    const dir = tempDir();
    const asker = new Shell(`exec fipc request ${dir} '{"q":1}' --id stop-me`);
    await waitFor(() => existsSync(join(dir, 'input-requests', 'stop-me.json')), {
      timeoutMs: 120_000,
      what: 'request',
    });
    asker.process.kill('SIGINT');
    const { code, stderr } = await asker.done;
    expect(code).toBe(130);
    expect(stderr).not.toMatch(/^\s+at /m);
    const { stdout } = await sh(
      `fipc pending ${dir} --status cancelled --json; fipc respond ${dir} stop-me 1; echo "respond=$?"`,
    );
    expect(stdout).toMatch(/"id":"stop-me","status":"cancelled"/);
    expect(stdout).toMatch(/respond=6\n$/);
  });

  it('a requester killed with kill -9 collects the answer written meanwhile by running again', async () => {
    const dir = tempDir();
    const first = new Shell(`exec fipc request ${dir} '{"q":"again?"}' --id durable-1 --timeout 120`);
    await waitFor(() => existsSync(join(dir, 'input-requests', 'durable-1.json')), {
      timeoutMs: 120_000,
      what: 'request',
    });
    first.process.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    expect((await sh(`fipc respond ${dir} durable-1 '{"yes":true}'`)).code).toBe(0);
    const again = await sh(`fipc request ${dir} '{"q":"again?"}' --id durable-1 --timeout 120`);
    expect(again).toMatchObject({ code: 0, stdout: '{"yes":true}\n', stderr: '' });
    const other = await sh(`fipc request ${dir} '{"q":"different"}' --id durable-1 --timeout 5`);
    expect(other.code).toBe(6);
    expect(other.stderr).toMatch(/durable-1/);
  });

  it('exits 6 when the responder reports an error', async () => {
    const dir = tempDir();
    const responder = spawnTs(fileURLToPath(new URL('fixtures/throwing-responder.ts', import.meta.url)), [
      dir,
    ]);
    try {
      await responder.waitForLine((line) => line === 'serving');
      const { code, stdout, stderr } = await sh(`fipc request ${dir} '{"q":1}' --timeout 60`);
      expect(code).toBe(6);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/disk on fire/);
    } finally {
      responder.process.kill('SIGTERM');
      await responder.exited;
    }
  });

  it('round trip with the Python original: it writes records and a request, and answers ours with fipc respond', async () => {
    const dir = join(tempDir(), 'py-job');
    const asker = new Shell(`exec fipc request ${dir} '{"question":"ship it?"}' --id ship-1 --timeout 90`);
    const python = await sh(
      [
        `python3 ${original} ${dir} events 3`,
        `python3 ${original} ${dir} request approve-2`,
        `python3 ${original} ${dir} answer ship-1 '{"approved":true,"from":"python"}'`,
      ].join(' && '),
    );
    expect(python.stderr).toBe('');
    expect(python.stdout).toBe('answered ship-1\n');
    expect(await asker.done).toMatchObject({ code: 0, stdout: '{"approved":true,"from":"python"}\n' });

    // The records the original wrote read back whole, with their +00:00 timestamps and UTF-8 data.
    const tailed = await sh(`fipc tail ${dir} --json && fipc tail ${dir} --type progress`);
    expect(tailed.stderr).toBe('');
    const [raw, human] = [
      tailed.stdout.split('\n').slice(0, 6).join('\n'),
      tailed.stdout.split('\n').slice(6),
    ];
    const records = jsonLines(raw).map((entry) => entry.record);
    expect(records.map((r) => r.event_type)).toEqual([
      'started',
      'progress',
      'progress',
      'progress',
      'completed',
      'input_requested',
    ]);
    expect(records.every((r) => r.instance_id === 'py-job' && r.timestamp.endsWith('+00:00'))).toBe(true);
    expect(records[5].data).toEqual({ request_id: 'approve-2' });
    expect(human.filter(Boolean)).toHaveLength(3);
    expect(human[2]).toMatch(/ {2}progress {10}build {7}percent=2 note="naïve ✓"$/);

    // The request the original wrote (no payload, no expiry) is listed and answered by the CLI.
    const listed = jsonLines((await sh(`fipc pending ${dir} --json`)).stdout);
    expect(listed).toEqual([
      {
        id: 'approve-2',
        status: 'pending',
        payload: null,
        schema: { type: 'object', properties: { ok: { type: 'boolean' } } },
        requested_at: expect.stringMatching(/\+00:00$/),
        expires_at: null,
      },
    ]);
    expect((await sh(`fipc respond ${dir} approve-2 '{"ok":true}'`)).code).toBe(0);
    expect((await sh(`fipc pending ${dir}`)).stdout).toBe('');
    // The original's request file is untouched, pretty-printed as it wrote it.
    const requestFile = readFileSync(join(dir, 'input-requests', 'approve-2.json'), 'utf8');
    expect(requestFile).toMatch(/^\{\n {2}"request_id": "approve-2",\n/);
  });
});
