import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listRequests, RequestError, request, respond, sweepRequests } from '@fipc/requests';
import { type Child, spawnTs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', `${name}.ts`);
const handled = (child: Child) => child.lines.filter((l) => l.startsWith('H ')).map((l) => l.slice(2));
const startResponder = async (
  dir: string,
  leaseMs: number,
  delayMs: number,
  concurrency: number,
  pollMs = 200,
) => {
  const child = spawnTs(fixture('responder'), [dir, ...[leaseMs, delayMs, concurrency, pollMs].map(String)]);
  await child.waitForLine((l) => l === 'ready');
  return child;
};
const stopResponder = async (child: Child) => {
  child.process.kill('SIGTERM');
  const exit = await child.exited;
  expect(exit.code, child.stderr).toBe(0);
  const done = child.lines.find((l) => l.startsWith('DONE '));
  return JSON.parse(done!.slice(5)) as { answered: number; failed: number };
};

describe('across processes', () => {
  it('4 requesters x 1,000 requests, 3 competing responders: each handled once, each Promise settles once', async () => {
    const dir = tempDir();
    const responders = await Promise.all([0, 1, 2].map(() => startResponder(dir, 15_000, 0, 8, 1000)));
    const requesters = [0, 1, 2, 3].map((i) =>
      spawnTs(fixture('requester'), [dir, `p${i}`, '1000', '120000']),
    );
    const summaries = await Promise.all(
      requesters.map(async (child) => {
        const exit = await child.exited;
        expect(exit.code, child.stderr).toBe(0);
        return JSON.parse(child.lines.at(-1)!);
      }),
    );
    for (const summary of summaries)
      expect(summary).toEqual({ settled: 1000, doubles: 0, codes: { ok: 1000 } });
    const totals = await Promise.all(responders.map(stopResponder));
    const ids = responders.flatMap(handled);
    expect(ids).toHaveLength(4000);
    expect(new Set(ids).size).toBe(4000);
    expect(totals.reduce((sum, t) => sum + t.answered, 0)).toBe(4000);
    console.log(`handled per responder: ${responders.map((r) => handled(r).length).join(', ')}`);
    // every pair is finished: retention leaves nothing behind, not even temp or heartbeat files
    expect(await listRequests(dir, { status: ['pending', 'claimed', 'cancelled', 'expired'] })).toEqual([]);
    await sweepRequests(dir, { retentionMs: 0 });
    expect(readdirSync(join(dir, 'input-requests'))).toEqual(['.tmp']);
    expect(readdirSync(join(dir, 'input-requests', '.tmp'))).toEqual([]);
  }, 300_000);

  it('kill -9 of a responder holding claims: taken over after the lease and answered, or timed out', async () => {
    const dir = tempDir();
    const doomed = await startResponder(dir, 1000, 600_000, 5);
    const ids = ['r0', 'r1', 'r2', 'r3', 'r4'];
    const answers = ids.map((id) => request(dir, 'ask', { id }, { id, timeoutMs: 60_000 }));
    await waitFor(() => handled(doomed).length === 5, { timeoutMs: 60_000, what: 'five claims' });
    expect(handled(doomed).sort()).toEqual(ids);
    await doomed.kill9();
    expect((await listRequests(dir, { status: 'claimed' })).length).toBeGreaterThan(0);

    // Nobody alive to answer: this one ends by its timeout, and never hangs.
    const lonely = request(dir, 'ask', { id: 't0' }, { id: 't0', timeoutMs: 1500 });
    await expect(lonely).rejects.toMatchObject({ code: 'TIMEOUT' });
    await expect(lonely).rejects.toBeInstanceOf(RequestError);

    const rescuer = await startResponder(dir, 1000, 0, 8);
    const results = await Promise.all(answers);
    for (const [i, result] of results.entries()) {
      expect(result).toEqual({ echo: { id: ids[i] }, by: rescuer.process.pid });
    }
    expect(handled(rescuer).sort()).toEqual(ids); // not t0: it expired
    for (const id of ids) expect(existsSync(join(dir, 'input-requests', `${id}.lease-2`))).toBe(true);
    await stopResponder(rescuer);
  }, 180_000);

  it('a requester killed and restarted while its answer is written gets the answer on restart', async () => {
    const dir = tempDir();
    const first = spawnTs(fixture('requester-once'), [dir, 'deploy-1', 'request']);
    await first.waitForLine((l) => l === 'requested');
    await first.kill9();
    await respond(dir, 'deploy-1', { approved: true });
    for (const mode of ['await', 'request']) {
      const again = spawnTs(fixture('requester-once'), [dir, 'deploy-1', mode]);
      expect(await again.waitForLine((l) => l.startsWith('answer ') || l.startsWith('error '))).toBe(
        'answer {"approved":true}',
      );
      await again.exited;
    }
  }, 180_000);

  it('a responder in another process answers a waiting requester; its cancel reaches the responder', async () => {
    const dir = tempDir();
    const responder = await startResponder(dir, 5000, 600_000, 2);
    const abort = new AbortController();
    const waiting = request(dir, 'ask', { id: 'long' }, { id: 'long', signal: abort.signal });
    await waitFor(() => handled(responder).includes('long'));
    abort.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    // the handler saw the cancel and gave up: no answer, and the responder stops cleanly at once
    const summary = await stopResponder(responder);
    expect(summary).toEqual({ answered: 0, failed: 0 });
    expect((await listRequests(dir))[0]?.status).toBe('cancelled');
  }, 180_000);
});
