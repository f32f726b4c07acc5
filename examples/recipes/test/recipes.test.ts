import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { openEventLog } from '@fipc/events';
import { tempDir, waitFor } from '@fipc/test-utils';
import { EventSource } from 'eventsource';
import { describe, expect, it, onTestFinished } from 'vitest';
import { here, runners, start } from './server.js';

// Every recipe of examples/recipes/ (shown by packages/sse/README.md), started as a real server on
// 127.0.0.1, port 0, read by the `eventsource` client a browser would be.
const recipes = [
  { name: 'node:http', file: 'node-http.ts', runner: runners.node },
  { name: 'Express 5 with compression()', file: 'express.ts', runner: runners.node },
  { name: 'Fastify 5', file: 'fastify.ts', runner: runners.node },
  { name: 'Hono', file: 'hono.ts', runner: runners.node },
  { name: 'a Next.js route handler', file: 'test/fixtures/next-server.ts', runner: runners.node },
  { name: 'Bun.serve', file: 'bun.ts', runner: runners.bun },
  { name: 'Deno.serve', file: 'deno.ts', runner: runners.deno },
];

const TYPES = ['started', 'progress', 'completed'];

describe.each(recipes)('$name', { timeout: 180_000 }, ({ file, runner }) => {
  const found = runner();
  if ('skip' in found) {
    console.log(`skipping ${file}: ${found.skip}`);
    it.skip(`${file}: ${found.skip}`, () => {});
    return;
  }

  it('streams a run to EventSource, stops after completed, and answers 404 for unknown or unsafe ids', async () => {
    const runs = tempDir();
    const log = openEventLog(join(runs, 'run-1', 'events.jsonl'));
    onTestFinished(() => log.close());
    await log.emit('started');
    await log.emit('progress', { data: { percent: 40 } });
    const server = await start(found, here(file), { RUNS_DIR: runs });

    const es = new EventSource(`${server.url}/runs/run-1/events`);
    onTestFinished(() => es.close());
    const received: Array<{ type: string; data: unknown }> = [];
    for (const type of TYPES) {
      es.addEventListener(type, (event) => received.push({ type, data: JSON.parse(event.data).data }));
    }
    // Arriving while the stream is open is the point: a buffering middleware would hold them back.
    await waitFor(() => received.length === 2, { timeoutMs: 60_000, what: `two events\n${server.output()}` });
    await log.emit('completed');
    await waitFor(() => received.length === 3, { timeoutMs: 60_000, what: 'the completed event' });
    expect(received).toEqual([
      { type: 'started', data: {} },
      { type: 'progress', data: { percent: 40 } },
      { type: 'completed', data: {} },
    ]);
    // The server closed after the terminal record; the reconnect got 204 and EventSource stopped for good.
    await waitFor(() => es.readyState === EventSource.CLOSED, {
      timeoutMs: 60_000,
      what: 'EventSource closed',
    });

    for (const id of ['unknown-run', '..%2F..%2Fetc', '%2E%2E']) {
      const response = await fetch(`${server.url}/runs/${id}/events`);
      expect({ id, status: response.status }).toEqual({ id, status: 404 });
      await response.body?.cancel();
    }
  });

  it('shuts down on SIGTERM while a client is connected', async () => {
    const runs = tempDir();
    const log = openEventLog(join(runs, 'run-2', 'events.jsonl'));
    onTestFinished(() => log.close());
    await log.emit('started');
    const server = await start(found, here(file), { RUNS_DIR: runs });
    const response = await fetch(`${server.url}/runs/run-2/events`);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('event: started')) text += new TextDecoder().decode((await reader.read()).value);
    const reading = (async () => {
      while (!(await reader.read().catch(() => ({ done: true }))).done);
    })();

    server.child.kill('SIGTERM');
    const exit = await Promise.race([
      server.exited,
      new Promise((resolve) => setTimeout(() => resolve('still running 20 s after SIGTERM'), 20_000)),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    await reading;
  });
});

describe('Bun.serve with its default idleTimeout', { timeout: 180_000 }, () => {
  const found = runners.bun();
  it.skipIf('skip' in found)(
    'keeps a quiet stream open past 10 s: the default heartbeat is shorter',
    async () => {
      if ('skip' in found) return;
      const path = join(tempDir(), 'events.jsonl');
      const log = openEventLog(path);
      onTestFinished(() => log.close());
      await log.emit('started');
      const server = await start(found, here('test/fixtures/bun-default-idle.ts'), { LOG_PATH: path });
      const reader = (await fetch(server.url)).body!.getReader();
      const until = Date.now() + 12_000;
      let text = '';
      while (Date.now() < until) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      expect(text).toContain('event: started');
      expect(Date.now()).toBeGreaterThanOrEqual(until); // the stream was still open 12 s later
      await reader.cancel();
    },
  );
});

describe('Deno without --allow-sys', { timeout: 180_000 }, () => {
  const found = runners.deno();
  it.skipIf('skip' in found)('imports @fipc/requests and writes state with @fipc/state', async () => {
    if ('skip' in found) return;
    const dir = tempDir();
    const { stdout, stderr, status } = spawnSync(
      found.bin,
      [...found.args, here('test/fixtures/deno-permissions.ts')],
      { cwd: here('.'), env: { ...process.env, DIR: dir }, encoding: 'utf8', timeout: 120_000 },
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ instance_id: basename(dir), status: 'running' });
  });
});
