import type { ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { openEventLog } from '@fipc/events';
import { sseHandler } from '@fipc/sse';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { listen, range, seqs, serve } from './helpers.js';

/** A raw client that sends the request and then never reads: its socket buffers fill, then the server's. */
function stalledClient(url: string, marker: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname, () => {
    socket.write(`GET /?who=${marker} HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`);
    socket.pause();
  });
  socket.on('error', () => {});
  return socket;
}

describe('fan-out', () => {
  it('1,000 concurrent EventSource clients each receive every record, in order, beside a stalled one', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const opened: string[] = [];
    const handler = sseHandler(() => path);
    const { url } = await serve((req, res) => {
      opened.push(req.url!);
      void handler(req, res);
    });
    const log = openEventLog(path);
    for (let i = 0; i < 50; i++) await log.emit('progress', { data: { i } });
    const stalled = stalledClient(url, 'stalled');
    const clients = Array.from({ length: 1000 }, () => listen(url, ['progress']));
    await waitFor(() => clients.every((c) => c.events.length >= 50), { what: 'catch-up', timeoutMs: 60_000 });
    for (let i = 50; i < 300; i++) {
      await log.emit('progress', { data: { i } });
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await log.close();
    await waitFor(() => clients.every((c) => c.events.length >= 300), {
      what: 'live records',
      timeoutMs: 60_000,
    });
    for (const client of clients) expect(seqs(client.events)).toEqual(range(1, 300));
    expect(opened.filter((u) => u.includes('stalled'))).toHaveLength(1);
    for (const client of clients) client.es.close();
    stalled.destroy();
  }, 240_000);

  it("puts each client's frame on its socket before the next client's is written", async () => {
    // A frame left corked until the fan-out ends reaches the first clients only after every client's write.
    const path = join(tempDir(), 'events.jsonl');
    const handler = sseHandler(() => path);
    const responses: ServerResponse[] = [];
    const pendingAtWrite: number[] = [];
    const { url } = await serve((req, res) => {
      responses.push(res);
      const write = res.write.bind(res) as (chunk: Buffer) => boolean;
      res.write = ((chunk: Buffer) => {
        if (String(chunk).includes('"seq"')) {
          pendingAtWrite.push(responses.reduce((sum, other) => sum + (other.socket?.writableLength ?? 0), 0));
        }
        return write(chunk);
      }) as typeof res.write;
      void handler(req, res);
    });
    const clients = Array.from({ length: 5 }, () => listen(url, ['progress']));
    const log = openEventLog(path);
    await log.emit('progress');
    await waitFor(() => clients.every((c) => c.events.length === 1), { what: 'the first record' });
    pendingAtWrite.length = 0; // the catch-up of each client came in its own turn
    await log.emit('progress');
    await log.close();
    await waitFor(() => clients.every((c) => c.events.length === 2), { what: 'the live record' });
    expect(pendingAtWrite).toEqual([0, 0, 0, 0, 0]);
  });

  it('disconnects a client that stops reading once it is maxBufferBytes behind; the others never wait', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const closed: string[] = [];
    const handler = sseHandler(() => path, { maxBufferBytes: 256 * 1024 });
    const { url } = await serve((req, res) => {
      res.on('close', () => closed.push(req.url!));
      void handler(req, res);
    });
    const log = openEventLog(path);
    await log.emit('started');
    const fast = Array.from({ length: 10 }, () => listen(url, ['started', 'progress']));
    await waitFor(() => fast.every((c) => c.events.length === 1), { what: 'fast clients' });
    const stalled = stalledClient(url, 'stalled');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const pad = 'x'.repeat(4000);
    let sent = 1;
    // Write until the stalled client is dropped; every fast client must keep up the whole time.
    while (!closed.some((u) => u.includes('stalled'))) {
      expect(sent, 'the stalled client is never disconnected').toBeLessThan(20_000);
      for (let i = 0; i < 50; i++) await log.emit('progress', { data: { pad } });
      sent += 50;
      await waitFor(() => fast.every((c) => c.events.length === sent), { what: 'fast clients to keep up' });
    }
    await log.close();
    expect(closed.filter((u) => !u.includes('stalled'))).toEqual([]);
    for (const client of fast) expect(seqs(client.events)).toEqual(range(1, sent));
    stalled.destroy();
  });
});
