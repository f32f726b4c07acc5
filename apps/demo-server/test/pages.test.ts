import { renameSync } from 'node:fs';
import { join } from 'node:path';
import type { RunView } from '@fipc/demo-server';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { writeFinishedRuns } from '../bench/finished-runs.js';
import { call, demoServer, followLive } from './helpers.js';

interface Page {
  runs: RunView[];
  total: number;
  next: string | null;
}
const RUNS = 300;
const errorOf = (reply: { body: unknown }) => (reply.body as { error: string }).error;

/** A runs directory of `count` finished runs (the server's test helper removes it after the test). */
async function finishedRuns(count: number) {
  const runsDir = tempDir('fipc-demo-pages-');
  return { runsDir, newestFirst: (await writeFinishedRuns(runsDir, count)).reverse() };
}

describe('demo-server pages of runs, over a runs directory of 300 finished runs', () => {
  it('serves the newest 50 by default, then every run exactly once, page by page with ?before=', async () => {
    const { runsDir, newestFirst } = await finishedRuns(RUNS);
    const server = await demoServer({ runsDir });
    const first = (await call(server, 'GET', '/api/runs')).body as Page;
    expect(first.runs.map((run) => run.id)).toEqual(newestFirst.slice(0, 50));
    expect(first).toMatchObject({ total: RUNS, next: newestFirst[49] });
    expect(first.runs[0]).toMatchObject({ status: 'completed', percent: 100, live: false });

    const seen: string[] = [];
    let before: string | null = '';
    while (before !== null) {
      const query: string = before ? `?limit=70&before=${before}` : '?limit=70';
      const page = (await call(server, 'GET', `/api/runs${query}`)).body as Page;
      expect(page.runs.length).toBe(Math.min(70, RUNS - seen.length));
      seen.push(...page.runs.map((run) => run.id));
      before = page.next;
    }
    expect(seen).toEqual(newestFirst);
    const all = (await call(server, 'GET', '/api/runs?limit=500')).body as Page;
    expect([all.runs.length, all.next]).toEqual([RUNS, null]);
    // A cursor need not be a run (any more): it marks where the page ends.
    const after = (await call(server, 'GET', `/api/runs?limit=2&before=${newestFirst[9]}0`)).body as Page;
    expect(after.runs.map((run) => run.id)).toEqual(newestFirst.slice(9, 11));
    expect((await call(server, 'GET', `/api/runs/${newestFirst.at(-1)}`)).body).toEqual(all.runs.at(-1));
  });

  it('refuses a bad ?limit= or ?before= and an unknown parameter, naming it (400)', async () => {
    const server = await demoServer({ runsDir: (await finishedRuns(RUNS)).runsDir });
    for (const [query, message] of [
      ['limit=0', /^query\.limit: /],
      ['limit=501', /^query\.limit: /],
      ['limit=ten', /^query\.limit: /],
      ['before=..%2Fetc', /^query\.before: not a run id/],
      ['cursor=run-abcdef', /^query: .*cursor/],
    ] as const) {
      const reply = await call(server, 'GET', `/api/runs?${query}`);
      expect([reply.status, errorOf(reply)]).toEqual([400, expect.stringMatching(message)]);
    }
    expect((await call(server, 'GET', '/api/runs/live?limit=0')).status).toBe(400);
  });

  it('streams the newest page on /api/runs/live, then changes of any run and the total', async () => {
    const server = await demoServer();
    const live = await followLive(server, '?limit=5');
    await waitFor(() => live.events.length > 0);
    expect(live.events[0]).toEqual({ type: 'runs', data: { runs: [], total: 0, next: null } });
    // Runs a worker left, moved in by hand: found by the directory's poll (its mtime changed).
    const elsewhere = tempDir('fipc-demo-pages-');
    const ids = await writeFinishedRuns(elsewhere, 8);
    for (const id of ids) renameSync(join(elsewhere, id), join(server.runsDir, id));
    await waitFor(() => live.events.filter((e) => e.type === 'run').length === 8);
    expect(live.events.filter((e) => e.type === 'total').at(-1)).toEqual({
      type: 'total',
      data: { total: 8 },
    });
    live.close();

    const again = await followLive(server, '?limit=5');
    await waitFor(() => again.events.length > 0);
    const first = again.events[0]!.data as unknown as Page;
    expect(first.runs.map((run) => run.id)).toEqual(ids.slice(3).reverse());
    expect(first).toMatchObject({ total: 8, next: ids[3] });
    // A run on an older page than the stream's first: its deletion is streamed all the same.
    expect((await call(server, 'DELETE', `/api/runs/${ids[0]}`)).status).toBe(204);
    await waitFor(() => again.events.length >= 3);
    expect(again.events.slice(1)).toEqual([
      { type: 'deleted', data: { id: ids[0] } },
      { type: 'total', data: { total: 7 } },
    ]);
    again.close();
  });
});
