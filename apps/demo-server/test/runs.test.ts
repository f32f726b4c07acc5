import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunView } from '@fipc/demo-server';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { call, demoServer, followLive, waitForQuestion, waitForRun } from './helpers.js';

const errorOf = (reply: { body: unknown }) => (reply.body as { error: string }).error;

describe('demo-server runs', () => {
  it('passes a title that starts with "-" to the worker, which runs under it', async () => {
    const server = await demoServer();
    const { id } = (await call(server, 'POST', '/api/runs', { body: { title: '-rf --help' } }))
      .body as RunView;
    const run = await waitForRun(server, id, (view) => view.status === 'waiting');
    expect(run).toMatchObject({ title: '-rf --help', live: true });
    expect((await waitForQuestion(server, id)).question).toBe('Deploy -rf --help to production?');
  });

  it('shows a worker that could not be spawned as lost, with the reason', async () => {
    const server = await demoServer({ workerCommand: ['/nonexistent/demo-worker'] });
    const { id } = (await call(server, 'POST', '/api/runs')).body as RunView;
    expect(await waitForRun(server, id, (view) => view.status !== 'starting')).toMatchObject({
      status: 'lost',
      live: false,
      message: 'The worker could not start (spawn /nonexistent/demo-worker ENOENT) and wrote no state.json',
    });
  });

  it('streams every run change on /api/runs/live: the views the page draws, snapshot by snapshot', async () => {
    const server = await demoServer();
    const live = await followLive(server);
    expect(live.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await waitFor(() => live.events.length > 0);
    expect(live.events[0]).toEqual({ type: 'runs', data: { runs: [], total: 0, next: null } });

    const { id } = (await call(server, 'POST', '/api/runs')).body as RunView;
    const question = await waitForQuestion(server, id);
    await waitFor(() => live.events.some((e) => e.data.status === 'waiting'));
    const views = live.events.filter((e) => e.type === 'run').map((e) => e.data);
    expect(views[0]).toMatchObject({ id, status: 'starting', live: true, title: 'Release 1.4.0' });
    expect(live.events.slice(1, 3)).toEqual([
      { type: 'run', data: views[0] },
      { type: 'total', data: { total: 1 } },
    ]);
    // Each state.json as it landed: percent never goes back, and the question moment is one snapshot.
    const percents = views.flatMap((view) => (view.percent === undefined ? [] : [view.percent as number]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(views.at(-1)).toMatchObject({ status: 'waiting', percent: 60, request_id: question.id });
    expect((await call(server, 'GET', `/api/runs/${id}`)).body).toEqual(views.at(-1));

    await call(server, 'POST', `/api/runs/${id}/cancel`);
    await waitForRun(server, id, (view) => view.status === 'cancelled' && !view.live);
    expect((await call(server, 'DELETE', `/api/runs/${id}`)).status).toBe(204);
    await waitFor(() => live.events.some((e) => e.type === 'deleted'));
    expect(live.events.slice(-2)).toEqual([
      { type: 'deleted', data: { id } },
      { type: 'total', data: { total: 0 } },
    ]);
    live.close();
  });

  it('deletes a finished run (204, gone from the list and the disk) and refuses a live one with 409', async () => {
    const server = await demoServer({ stepMs: 300 });
    const { id } = (await call(server, 'POST', '/api/runs')).body as RunView;
    const running = await waitForRun(server, id, (view) => view.status === 'running');
    const refused = await call(server, 'DELETE', `/api/runs/${id}`);
    expect([refused.status, errorOf(refused)]).toEqual([
      409,
      `run ${id} is running and its worker (pid ${running.pid}) is alive: cancel it first`,
    ]);
    expect(existsSync(join(server.runsDir, id, 'state.json'))).toBe(true);

    await call(server, 'POST', `/api/runs/${id}/cancel`);
    await waitForRun(server, id, (view) => view.status === 'cancelled' && !view.live);
    expect((await call(server, 'DELETE', `/api/runs/${id}`)).status).toBe(204);
    expect(existsSync(join(server.runsDir, id))).toBe(false);
    expect((await call(server, 'GET', `/api/runs/${id}`)).status).toBe(404);
    expect((await call(server, 'GET', '/api/runs')).body).toEqual({ runs: [], total: 0, next: null });
    expect((await call(server, 'DELETE', `/api/runs/${id}`)).status).toBe(404);
  });

  it('removes, on start, what a deletion cut short by a crash left renamed aside, and lists none of it', async () => {
    const runsDir = tempDir('fipc-demo-runs-');
    const leftover = join(runsDir, '.deleted-0123456789ab');
    mkdirSync(join(leftover, 'requests'), { recursive: true });
    writeFileSync(join(leftover, 'state.json'), '{}');
    const server = await demoServer({ runsDir });
    expect(existsSync(leftover)).toBe(false);
    expect((await call(server, 'GET', '/api/runs')).body).toEqual({ runs: [], total: 0, next: null });
  });

  it('refuses an answer to a run whose worker was killed with -9 (409), though its question is still on disk', async () => {
    const server = await demoServer();
    const { id } = (await call(server, 'POST', '/api/runs')).body as RunView;
    const question = await waitForQuestion(server, id);
    const { pid } = await waitForRun(server, id, (view) => view.status === 'waiting');
    process.kill(pid as number, 'SIGKILL');
    const lost = await waitForRun(server, id, (view) => view.status === 'lost');
    const answer = await call(server, 'POST', `/api/runs/${id}/requests/${question.id}`, {
      body: { approved: true },
    });
    expect([answer.status, errorOf(answer)]).toEqual([
      409,
      `run ${id} is lost: its worker (pid ${pid}) is gone, nobody would read the answer`,
    ]);
    expect(lost).toMatchObject({
      live: false,
      percent: 60,
      message: `The worker (pid ${pid}) was killed by SIGKILL without a final state`,
    });
    expect(
      ((await call(server, 'GET', `/api/runs/${id}/requests`)).body as { requests: [] }).requests,
    ).toHaveLength(1);
  });

  it('after a restart, tells live workers from dead ones by the pid in the run directory and /proc', async () => {
    const first = await demoServer({ stepMs: 300 });
    const { id } = (await call(first, 'POST', '/api/runs')).body as RunView;
    const { pid } = await waitForRun(first, id, (view) => view.status === 'running');
    expect(JSON.parse(readFileSync(join(first.runsDir, id, 'worker.json'), 'utf8'))).toMatchObject({ pid });
    await first.close();

    // The second server did not spawn the worker: it checks the recorded pid, and that the process is this run's.
    const second = await demoServer({ runsDir: first.runsDir, pollMs: 100 });
    expect((await call(second, 'GET', `/api/runs/${id}`)).body).toMatchObject({
      status: 'running',
      live: true,
    });
    process.kill(pid as number, 'SIGKILL');
    expect(await waitForRun(second, id, (view) => view.status === 'lost')).toMatchObject({
      live: false,
      message: `The worker (pid ${pid}) is gone without a final state`,
    });
    const cancel = await call(second, 'POST', `/api/runs/${id}/cancel`);
    expect(cancel.status).toBe(409);
    expect((await call(second, 'DELETE', `/api/runs/${id}`)).status).toBe(204);
  });
});
