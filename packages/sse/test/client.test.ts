import type { Skip } from '@fipc/core';
import { SseError } from '@fipc/sse';
import { type RetryInfo, subscribe } from '@fipc/sse/client';
import { waitFor } from '@fipc/test-utils';
import { EventSource } from 'eventsource';
import { describe, expect, it, onTestFinished } from 'vitest';
import { newLog, requests, startServer } from './client-helpers.js';
import { contract } from './fixtures/contract.js';

const auth = { Authorization: 'Bearer s3cret' };

describe('subscribe (@fipc/sse/client) against the real server in a child process', () => {
  it('resumes exactly once after kill -9 and a restart of the server, then stops on the 204 after the terminal record', async () => {
    const { path, log } = newLog();
    let third = 0;
    for (const percent of [10, 20, 30])
      third = (await log.emit('progress', { data: { percent } })).nextOffset;
    let server = await startServer(path);
    const url = `http://127.0.0.1:${server.port}/events`;
    const received: unknown[] = [];
    const retries: RetryInfo[] = [];
    let opens = 0;
    const stream = subscribe(url, {
      headers: auth,
      events: contract.events,
      onRetry: (retry) => retries.push(retry),
      onOpen: () => opens++,
    });
    const done = (async () => {
      for await (const record of stream) {
        received.push(record.event_type === 'progress' ? record.data.percent : record.data.outcome);
      }
    })();
    await waitFor(() => received.length === 3);
    const first = server;
    await first.child.kill9();
    await log.emit('progress', { data: { percent: 40 } }); // while nobody serves
    server = await startServer(path, server.port);
    await log.emit('progress', { data: { percent: 50 } });
    await log.emit('completed');
    await done;
    expect(received).toEqual([10, 20, 30, 40, 50, 'done']); // each once, in order
    const [resumedFrom, afterTerminal] = await requests(server);
    expect(await requests(first)).toEqual(['-']);
    expect(await requests(server)).toHaveLength(2); // the one resume, and the reconnection that got 204
    expect(resumedFrom).toMatch(new RegExp(`^[0-9a-f]{12}-${third}$`)); // the id of the third record
    expect(afterTerminal).not.toBe(resumedFrom);
    expect(stream.lastEventId).toBe(afterTerminal); // the id of the terminal record, as sent on the last request
    expect(opens).toBe(2); // the first connection and the resume (the 204 is no stream)
    expect(retries.length).toBeGreaterThanOrEqual(2); // refused while down, then the close after the terminal
    expect(retries[0]!.error).toBeInstanceOf(Error);
  });

  it('stops on 204: the reconnection after the terminal record, and a resume from its id, end the iteration', async () => {
    const { path, log } = newLog();
    await log.emit('progress', { data: { percent: 1 } });
    await log.emit('completed');
    const server = await startServer(path);
    const url = `http://127.0.0.1:${server.port}/events`;
    const seqs = async (options: Parameters<typeof subscribe>[1]) => {
      const seen = [];
      for await (const record of subscribe(url, { headers: auth, ...options })) seen.push(record.seq);
      return seen;
    };
    // A client-side terminal stops at once: one request.
    expect(await seqs({ terminal: 'completed' })).toEqual([1, 2]);
    expect(await requests(server)).toEqual(['-']);
    // Without one, the server closes after `completed`; the reconnection with its id gets 204.
    const { onRetry, retried } = counter();
    expect(await seqs({ onRetry })).toEqual([1, 2]);
    expect(retried()).toBe(1);
    const terminalId = (await requests(server)).at(-1)!;
    expect(await requests(server)).toEqual(['-', '-', terminalId]);
    expect(terminalId).toMatch(/^[0-9a-f]{12}-\d+$/);
    // A subscription resuming from that id: 204 at once, nothing yielded, no retry.
    const again = counter();
    expect(await seqs({ lastEventId: terminalId, onRetry: again.onRetry })).toEqual([]);
    expect(again.retried()).toBe(0);
    expect(await requests(server)).toEqual(['-', '-', terminalId, terminalId]);
  });

  it('sends the auth header the server checks; without it, HTTP_ERROR 401 and no retry', async () => {
    const { path, log } = newLog();
    await log.emit('completed');
    const server = await startServer(path);
    const url = `http://127.0.0.1:${server.port}/events`;
    const drain = async (headers?: Record<string, string>) => {
      const types = [];
      for await (const record of subscribe(url, { headers, terminal: 'completed' }))
        types.push(record.event_type);
      return types;
    };
    const refused = await drain().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SseError);
    expect(refused).toMatchObject({ code: 'HTTP_ERROR', status: 401 });
    expect(await requests(server)).toHaveLength(1);
    let calls = 0;
    const types = [];
    const headers = async () => {
      calls++;
      return auth;
    };
    for await (const record of subscribe(url, { headers, terminal: 'completed' }))
      types.push(record.event_type);
    expect(types).toEqual(['completed']);
    expect(calls).toBe(1);
  });

  it('validates with the contract: bad data and unknown types are skipped through onSkip, never yielded', async () => {
    const { path, log } = newLog();
    await log.emit('progress', { data: { percent: 101 } });
    await log.emit('debug', { data: { x: 1 } });
    await log.emit('progress', { data: { percent: 7 } });
    await log.emit('completed', { data: { outcome: 'ok' } });
    const { port } = await startServer(path);
    const skipped: Skip[] = [];
    const received = [];
    for await (const record of subscribe(`http://127.0.0.1:${port}/events`, {
      headers: auth,
      events: contract.events,
      terminal: ['completed'],
      onSkip: (skip) => skipped.push(skip),
    }))
      received.push(record.data);
    expect(received).toEqual([{ percent: 7 }, { outcome: 'ok' }]);
    expect(skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/: invalid data for "progress": at percent: /),
      expect.stringMatching(/: unknown event type "debug"$/),
    ]);
  });

  it("eventName: 'message' reaches EventSource.onmessage, and map redacts before sending", async () => {
    const { path, log } = newLog();
    await log.emit('progress', { data: { percent: 5, secret: 'hunter2' } });
    await log.emit('completed');
    const { port } = await startServer(path);
    const url = `http://127.0.0.1:${port}/messages`;
    const es = new EventSource(url);
    onTestFinished(() => es.close());
    const messages: string[] = [];
    es.onmessage = (event) => messages.push(event.data);
    await waitFor(() => messages.length === 2);
    expect(messages.map((m) => JSON.parse(m).data)).toEqual([{ percent: 5 }, {}]);
    const viaClient = [];
    for await (const record of subscribe(url, { terminal: 'completed' })) viaClient.push(record.data);
    expect(viaClient).toEqual([{ percent: 5 }, {}]);
  });

  it('ends quietly when its signal aborts, also while it waits to reconnect', async () => {
    const controller = new AbortController();
    const { onRetry, retried } = counter();
    const loop = (async () => {
      for await (const _ of subscribe('http://127.0.0.1:9/events', {
        signal: controller.signal,
        retryMs: 60_000,
        onRetry,
      }));
    })();
    await waitFor(() => retried() === 1); // port 9 refuses: it waits a minute before the next try
    controller.abort();
    await expect(loop).resolves.toBeUndefined();
  });
});

function counter() {
  let count = 0;
  return { onRetry: () => void count++, retried: () => count };
}
