import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openEventLog } from '@fipc/events';
import { SSE_HEADERS, sseResponse } from '@fipc/sse';
import { tempDir, waitFor } from '@fipc/test-utils';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listen, range, seqs } from './helpers.js';

async function honoApp(path: string) {
  const app = new Hono();
  app.get('/runs/:id/events', (c) => sseResponse(path, c.req.raw, { terminal: 'completed', retryMs: 10 }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/runs/run-1/events`;
}

describe('sseResponse through Hono and @hono/node-server', () => {
  it('streams, resumes by Last-Event-ID and query, and stops with 204 after the terminal record', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const url = await honoApp(path);
    const log = openEventLog(path);
    for (let i = 0; i < 100; i++) await log.emit('progress');
    const client = listen(url, ['progress', 'completed']);
    await waitFor(() => client.events.length === 100, { what: 'existing records' });
    for (let i = 0; i < 100; i++) await log.emit('progress');
    await waitFor(() => client.events.length === 200, { what: 'live records' });
    expect(seqs(client.events)).toEqual(range(1, 200));

    const resumed = listen(`${url}?lastEventId=${client.events[149]!.id}`, ['progress', 'completed']);
    await waitFor(() => resumed.events.length === 50, { what: 'resumed records' });
    expect(seqs(resumed.events)).toEqual(range(151, 200));
    resumed.es.close();

    const head = await fetch(url, { headers: { 'Last-Event-ID': client.events[199]!.id } });
    expect(head.status).toBe(200);
    for (const [name, value] of Object.entries(SSE_HEADERS)) expect(head.headers.get(name)).toBe(value);
    await head.body!.cancel();

    await log.emit('completed');
    await log.close();
    await waitFor(() => client.es.readyState === client.es.CLOSED, { what: 'the client to stop' });
    expect(client.events.at(-1)!.type).toBe('completed');
    expect(client.errors).toContain(204);
    expect((await fetch(url, { headers: { 'Last-Event-ID': 'garbage' } })).status).toBe(400);
  });

  it('releases the stream when the client goes away', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const url = await honoApp(path);
    const log = openEventLog(path);
    await log.emit('progress');
    const before = process.getActiveResourcesInfo().length;
    for (let i = 0; i < 20; i++) {
      const client = listen(url, ['progress']);
      await waitFor(() => client.events.length === 1, { what: 'a record' });
      client.es.close();
    }
    await log.close();
    await waitFor(() => process.getActiveResourcesInfo().length <= before, {
      what: `resources to be released: ${process.getActiveResourcesInfo().join(',')}`,
    });
  });
});
