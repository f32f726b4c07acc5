import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openEventLog } from '@fipc/events';
import { createSseStream, SSE_HEADERS, SseError, sseHandler, sseResponse } from '@fipc/sse';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { readUntil, serve } from './helpers.js';

// What a server needs beyond streaming: saying 404 for an unknown log, surviving idle timeouts, passing
// through compression middleware, and shutting down while clients are connected.
describe('serving', () => {
  it("answers 404 for a log that does not exist with missing: 'not-found' (and waits by default)", async () => {
    const dir = tempDir();
    const path = join(dir, 'nope', 'events.jsonl');
    const { url } = await serve(sseHandler(() => path, { missing: 'not-found' }));
    const response = await fetch(url);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('no such event stream\n');

    expect(sseResponse(path, new Request('http://x/'), { missing: 'not-found' }).status).toBe(404);
    const waiting = sseResponse(path, new Request('http://x/'), { waitForFileMs: 50 });
    expect(waiting.status).toBe(200);
    expect(await waiting.text()).toContain('event: fipc:timeout');

    const reader = createSseStream(path, { missing: 'not-found' }).getReader();
    const error = await reader.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SseError);
    expect(error).toMatchObject({ code: 'NOT_FOUND' });

    // Once the log exists, the same handler streams it.
    const log = openEventLog(path);
    await log.emit('started');
    await log.close();
    const found = await fetch(url);
    expect(found.status).toBe(200);
    expect(await readUntil(found, (text) => text.includes('event: started'))).toContain('event: started');
  });

  it('tells compression middleware and proxies not to transform the stream', () => {
    expect(SSE_HEADERS['Cache-Control']).toMatch(/\bno-transform\b/);
  });

  it('sends a heartbeat within 5 s by default, under the 10 s idle timeout of Bun.serve', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    await log.emit('started');
    const started = Date.now();
    const response = sseResponse(path, new Request('http://x/'));
    const text = await readUntil(response, (t) => /^:.*\n\n/m.test(t.slice(t.indexOf('event: started'))));
    expect(text).toContain('event: started');
    expect(Date.now() - started).toBeLessThan(9_000);
    await log.close();
  });

  it('ends every open stream when the server aborts its signal, so server.close() returns', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    await log.emit('started');
    const shutdown = new AbortController();
    const server = createServer(sseHandler(() => path, { signal: shutdown.signal }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const clients = await Promise.all([fetch(url), fetch(url)]);
    // Each stream is live (it has sent the record already in the log) before the server shuts down; then each
    // must end by itself, or server.close() would wait for it forever.
    const readers = clients.map((response) =>
      response.body!.pipeThrough(new TextDecoderStream()).getReader(),
    );
    const readAll = async (reader: (typeof readers)[number], until?: string) => {
      let text = '';
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        text += next.value;
        if (until && text.includes(until)) break;
      }
      return text;
    };
    for (const reader of readers) expect(await readAll(reader, 'event: started')).toContain('event: started');
    const closed = new Promise((resolve) => server.close(resolve));
    shutdown.abort();
    await closed;
    for (const rest of await Promise.all(readers.map((reader) => readAll(reader))))
      expect(rest).not.toContain('event:'); // ended, with nothing more to send
    await log.close();
  });
});
