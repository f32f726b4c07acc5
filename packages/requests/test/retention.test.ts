import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request, respond, serveRequests, sweepRequests } from '@fipc/requests';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';

import { files, rejection } from './helpers.js';

describe('retention', () => {
  it('never removes a pair that this process is still waiting for', async () => {
    const dir = tempDir();
    const answer = request(dir, 'ask', 1, { id: 'w' });
    await respond(dir, 'w', 'kept');
    // the requester has not read the answer yet: a sweep with retention 0 must leave it
    await sweepRequests(dir, { retentionMs: 0 });
    expect(files(dir)).toContain('w.response');
    await expect(answer).resolves.toBe('kept');
    await sweepRequests(dir, { retentionMs: 0 });
    expect(files(dir)).toEqual([]);
  });

  it('removes finished pairs after the retention period and keeps pending requests', async () => {
    const dir = tempDir();
    const box = join(dir, 'input-requests');
    const answered = request(dir, 'ask', 1, { id: 'done' });
    await respond(dir, 'done', 1);
    await answered;
    await rejection(request(dir, 'ask', 1, { id: 'timed-out', timeoutMs: 10 }));
    const pending = request(dir, 'ask', 1, { id: 'pending' });
    const expiredUnanswered = join(box, 'stale.json');
    writeFileSync(
      expiredUnanswered,
      JSON.stringify({
        request_id: 'stale',
        schema: {},
        requested_at: '2020-01-01T00:00:00Z',
        expires_at: '2020-01-02T00:00:00Z',
      }),
    );
    utimesSync(expiredUnanswered, new Date('2020-01-01'), new Date('2020-01-01')); // as old as it says
    const old = new Date(Date.now() - 120_000);
    for (const crashed of ['.py-tmp-crashed', '.tmp/999-abc-1', '.tmp/responder-0123456789abcdef']) {
      writeFileSync(join(box, crashed), 'partial');
      utimesSync(join(box, crashed), old, old);
    }
    // stale.json, the crashed writers' temp files; the heartbeat is young enough for a live responder
    expect(await sweepRequests(dir, { retentionMs: 60_000 })).toBe(3);
    expect(readdirSync(join(box, '.tmp'))).toEqual(['responder-0123456789abcdef']);
    const older = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(join(box, '.tmp/responder-0123456789abcdef'), older, older);
    expect(await sweepRequests(dir, { retentionMs: 60_000 })).toBe(1);
    expect(files(dir)).toEqual([
      'done.json',
      'done.response',
      'pending.json',
      'timed-out.json',
      'timed-out.response',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await sweepRequests(dir, { retentionMs: 20 });
    expect(files(dir)).toEqual(['pending.json']);
    await respond(dir, 'pending', 2);
    await pending;
    await sweepRequests(dir, { retentionMs: 0 });
    expect(files(dir)).toEqual([]);
  });
});

describe('retention of responders and temp files', () => {
  it('keeps the heartbeat of a live responder with a lease over 3 hours (renewed every leaseMs / 3)', async () => {
    const dir = tempDir();
    const tmp = join(dir, 'input-requests', '.tmp');
    const stop = new AbortController();
    const served = serveRequests(dir, (n) => (n as number) + 1, {
      signal: stop.signal,
      leaseMs: 4 * 3_600_000, // renewed every 80 minutes
      pollMs: 50,
    });
    const heartbeat = (await waitFor(() => readdirSync(tmp).find((name) => name.startsWith('responder-'))))!;
    // 70 minutes since its last renewal: alive, its next renewal is 10 minutes away
    const renewed = new Date(Date.now() - 70 * 60_000);
    utimesSync(join(tmp, heartbeat), renewed, renewed);
    await sweepRequests(dir);
    expect(readdirSync(tmp)).toContain(heartbeat);
    // its claims are links of the heartbeat: it still answers
    await expect(request(dir, 'ask', 1, { timeoutMs: 10_000 })).resolves.toBe(2);
    stop.abort();
    expect(await served).toEqual({ answered: 1, failed: 0 });
  });

  it('removes temp files older than staleTempMs, and heartbeats an hour after their own lease expired', async () => {
    const dir = tempDir();
    const box = join(dir, 'input-requests');
    await sweepRequests(dir); // no directory: nothing to do
    mkdirSync(join(box, '.tmp'), { recursive: true, mode: 0o700 });
    const age = (path: string, ms: number) => {
      const when = new Date(Date.now() - ms);
      utimesSync(path, when, when);
    };
    writeFileSync(join(box, '.py-answer'), '{');
    writeFileSync(join(box, '.tmp/1-ab-0'), '{');
    age(join(box, '.py-answer'), 5_000);
    age(join(box, '.tmp/1-ab-0'), 5_000);
    const heartbeat = (name: string, leaseMs: number, ms: number) => {
      writeFileSync(join(box, '.tmp', name), JSON.stringify({ lease_ms: leaseMs }));
      age(join(box, '.tmp', name), ms);
    };
    heartbeat('responder-0000000000000001', 30_000, 2 * 3_600_000); // crashed long ago
    heartbeat('responder-0000000000000002', 5 * 3_600_000, 2 * 3_600_000); // alive: renewed every 100 min
    heartbeat('responder-0000000000000003', 5 * 3_600_000, 7 * 3_600_000); // crashed: lease + 1 hour ago
    expect(await sweepRequests(dir)).toBe(2); // two heartbeats; the temp files are younger than a minute
    expect(await sweepRequests(dir, { staleTempMs: 1_000 })).toBe(2);
    expect(readdirSync(join(box, '.tmp'))).toEqual(['responder-0000000000000002']);
    expect(readdirSync(box)).toEqual(['.tmp']);
  });

  it('sweeps a busy directory in the background once a minute, not every time its timestamps are too fresh', async () => {
    const dir = tempDir();
    const box = join(dir, 'input-requests');
    const stop = new AbortController();
    const served = serveRequests(dir, (n) => n, { retentionMs: 0, signal: stop.signal });
    let asked = 0;
    // 3.5 s of steady traffic with retention 0: the first call's background sweep finds the directory's
    // timestamps fresh; its early retry (2 s later) must see the directory still busy and leave it to the next
    // minute's sweep, rather than sweeping again (and again every 2 s, deleting as fast as requests come).
    for (const end = Date.now() + 3_500; Date.now() < end; asked++) {
      await request(dir, 'ask', asked, { retentionMs: 0 });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    stop.abort();
    await served;
    const responses = readdirSync(box).filter((name) => name.endsWith('.response')).length;
    expect(asked).toBeGreaterThan(50);
    expect(responses).toBeGreaterThanOrEqual(asked - 2); // only what the first sweep could see was removed
  });
});
