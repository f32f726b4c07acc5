import { appendFileSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EmittedEvent, openEventLog } from '@fipc/events';
import { parseEventId, RESET_EVENT, SSE_HEADERS, sseHandler, TIMEOUT_EVENT } from '@fipc/sse';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { listen, range, readUntil, seqs, serve } from './helpers.js';

const TYPES = ['started', 'progress', 'completed', RESET_EVENT, TIMEOUT_EVENT];

async function setup(options: Parameters<typeof sseHandler>[1] = {}) {
  const dir = tempDir();
  const path = join(dir, 'events.jsonl');
  const { url } = await serve(sseHandler(() => path, options));
  return { dir, path, url };
}

describe('sseHandler with an EventSource client', () => {
  it('delivers records live with the record JSON as data, its type as event and an epoch-offset id', async () => {
    const { path, url } = await setup();
    const log = openEventLog(path, { instanceId: 'run-1' });
    const first = await log.emit('started');
    const { es, events } = listen(url, TYPES);
    await waitFor(() => events.length === 1, { what: 'the existing record' });
    const emitted: EmittedEvent[] = [first];
    for (let i = 0; i < 20; i++) emitted.push(await log.emit('progress', { data: { i } }));
    await waitFor(() => events.length === 21, { what: 'live records' });
    await log.close();
    expect(events.map((e) => e.type)).toEqual(['started', ...Array(20).fill('progress')]);
    expect(events.map((e) => JSON.parse(e.data))).toEqual(emitted.map((e) => e.record));
    expect(events.map((e) => parseEventId(e.id)?.offset)).toEqual(emitted.map((e) => e.nextOffset));
    expect(new Set(events.map((e) => parseEventId(e.id)?.epoch)).size).toBe(1);
    expect(es.readyState).toBe(es.OPEN);
  });

  it('answers 404 when the resolver names no log, and 500 when it throws', async () => {
    const { url } = await serve(
      sseHandler((req) => {
        if (req.url?.includes('boom')) throw new Error('boom');
        return undefined;
      }),
    );
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(`${url}/boom`)).status).toBe(500);
  });

  it('sends the SSE headers', async () => {
    const { path, url } = await setup();
    writeFileSync(path, '');
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    expect(response.status).toBe(200);
    for (const [name, value] of Object.entries(SSE_HEADERS)) expect(response.headers.get(name)).toBe(value);
    controller.abort();
  });

  it('resumes after record 500 of 1,000 with exactly 501..1000, by header, query and reconnect', async () => {
    const { path, url } = await setup();
    const log = openEventLog(path);
    for (let i = 0; i < 1000; i++) await log.emit('progress', { data: { i } });
    await log.close();
    const first = listen(url, TYPES);
    await waitFor(() => first.events.length >= 500, { what: '500 records' });
    first.es.close();
    const id500 = first.events[499]!.id;
    expect(JSON.parse(first.events[499]!.data).seq).toBe(500);

    const byQuery = listen(`${url}/?lastEventId=${encodeURIComponent(id500)}`, TYPES);
    await waitFor(() => byQuery.events.length >= 500, { what: 'resume by query' });
    const byHeader = await fetch(url, { headers: { 'Last-Event-ID': id500 } });
    const text = await readUntil(byHeader, (t) => t.includes('"seq":1000'));
    expect(seqs(byQuery.events)).toEqual(range(501, 1000));
    expect([...text.matchAll(/"seq":(\d+)/g)].map((m) => Number(m[1]))).toEqual(range(501, 1000));
  });

  it('loses and repeats nothing when the connection drops and EventSource reconnects with Last-Event-ID', async () => {
    const dir = tempDir();
    const path = join(dir, 'events.jsonl');
    const { url, server } = await serve(sseHandler(() => path, { retryMs: 10 }));
    const log = openEventLog(path);
    for (let i = 0; i < 1000; i++) await log.emit('progress', { data: { i } });
    const client = listen(url, TYPES);
    await waitFor(() => client.events.length >= 500, { what: '500 records' });
    server.closeAllConnections(); // drop every connection mid-stream
    for (let i = 0; i < 100; i++) await log.emit('progress', { data: { i } });
    await log.close();
    await waitFor(() => client.events.length >= 1100, { what: 'the rest after reconnecting' });
    expect(seqs(client.events)).toEqual(range(1, 1100));
  });

  it('sends heartbeat comments and the retry field', async () => {
    const { path, url } = await setup({ heartbeatMs: 30, retryMs: 1234 });
    writeFileSync(path, '');
    const response = await fetch(url);
    const text = await readUntil(response, (t) => (t.match(/^:\n\n/gm) ?? []).length >= 3);
    expect(text.startsWith('retry: 1234\n\n')).toBe(true);
  });

  it('closes after a terminal record, then answers 204 to the reconnect so EventSource stops', async () => {
    const { path, url } = await setup({ terminal: ['completed', 'failed'], retryMs: 10 });
    const log = openEventLog(path);
    await log.emit('started');
    const client = listen(url, TYPES);
    await waitFor(() => client.events.length === 1, { what: 'started' });
    await log.emit('progress');
    await log.emit('completed');
    await log.emit('progress'); // written after the terminal record: never sent to this client
    await log.close();
    await waitFor(() => client.es.readyState === client.es.CLOSED, { what: 'EventSource to give up' });
    expect(client.events.map((e) => e.type)).toEqual(['started', 'progress', 'completed']);
    expect(client.errors).toContain(204);
    const again = await fetch(url, { headers: { 'Last-Event-ID': client.events[2]!.id } });
    expect(again.status).toBe(204);
    // A new client without an id gets the whole stream up to the terminal record, then the stream ends.
    const fresh = await (await fetch(url)).text();
    expect(fresh.match(/^event: .*/gm)).toEqual(['event: started', 'event: progress', 'event: completed']);
  });

  it('delivers payloads with CR, LF and CRLF byte-identical and cannot be injected into', async () => {
    const { path, url } = await setup();
    const nasty = [
      'a\rb',
      'a\nb',
      'a\r\nb',
      '\n\nid: 1-1\nevent: evil\ndata: x\n\n',
      '\r\r\n\n',
      'é \u2028 \u0000',
    ];
    const log = openEventLog(path);
    for (const text of nasty) await log.emit('progress', { data: { text } });
    await log.emit('evil\nevent: injected', { data: { text: 'type' } });
    await log.emit('done');
    await log.close();
    const client = listen(url, [...TYPES, 'evil', 'injected', 'done']);
    await waitFor(() => client.events.length === nasty.length + 2, { what: 'all records' });
    expect(client.events.slice(0, nasty.length).map((e) => JSON.parse(e.data).data.text)).toEqual(nasty);
    expect(client.events.map((e) => e.type)).toEqual([...nasty.map(() => 'progress'), 'message', 'done']);
    expect(JSON.parse(client.events.at(-2)!.data).event_type).toBe('evil\nevent: injected');
  });

  it('waits for a log that appears only after the client connected', async () => {
    const { path, url } = await setup();
    const client = listen(url, TYPES);
    await waitFor(() => client.es.readyState === client.es.OPEN, { what: 'open' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const log = openEventLog(path);
    await log.emit('started');
    await log.emit('progress');
    await log.close();
    await waitFor(() => client.events.length === 2, { what: 'records of the new log' });
    expect(client.events.map((e) => e.type)).toEqual(['started', 'progress']);
  });

  it('sends fipc:timeout and closes when the log does not appear within waitForFileMs', async () => {
    const { url } = await setup({ waitForFileMs: 100 });
    const text = await (await fetch(url)).text();
    expect(text).toContain(`event: ${TIMEOUT_EVENT}\ndata: {"waitForFileMs":100}\n\n`);
  });

  it('follows a log truncated mid-stream: a reset notice, then the new records', async () => {
    const { path, url } = await setup();
    const log = openEventLog(path);
    for (let i = 0; i < 4; i++) await log.emit('progress');
    const client = listen(url, TYPES);
    await waitFor(() => client.events.length === 4, { what: 'first records' });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the shared follower has the file open
    await log.emit('progress');
    await waitFor(() => client.events.length === 5, { what: 'a live record' });
    truncateSync(path, 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < 3; i++) await log.emit('started', { data: { i } });
    await log.close();
    await waitFor(() => client.events.length === 9, { what: 'reset and new records' });
    expect(client.events[5]).toMatchObject({ type: RESET_EVENT });
    expect(JSON.parse(client.events[5]!.data)).toMatchObject({ reason: 'truncated' });
    expect(client.events.slice(6).map((e) => JSON.parse(e.data).data.i)).toEqual([0, 1, 2]);
    const epochs = client.events.filter((e) => e.type !== RESET_EVENT).map((e) => parseEventId(e.id)!.epoch);
    expect(epochs[0]).not.toBe(epochs[8 - 1]);
  });

  it('follows a log replaced by rename mid-stream: the old one drained, a reset notice, the new one', async () => {
    const { dir, path, url } = await setup();
    const log = openEventLog(path);
    await log.emit('progress', { data: { file: 1 } });
    const client = listen(url, TYPES);
    await waitFor(() => client.events.length === 1, { what: 'first record' });
    await log.emit('progress', { data: { file: 1 } });
    await waitFor(() => client.events.length === 2, { what: 'a live record' });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the shared follower has the old file open
    await log.emit('progress', { data: { file: 1 } }); // unread when the file is replaced: drained first
    await log.close();
    const next = openEventLog(join(dir, 'next.jsonl'), { instanceId: 'run-2' });
    await next.emit('started', { data: { file: 2 } });
    await next.close();
    renameSync(join(dir, 'next.jsonl'), path);
    await waitFor(() => client.events.length === 5, {
      what: `reset and the new log: ${client.events.map((e) => e.type)}`,
    });
    expect(client.events.map((e) => e.type)).toEqual([
      'progress',
      'progress',
      'progress',
      RESET_EVENT,
      'started',
    ]);
    // An id from the old log restarts from the new log's beginning with a reset notice.
    const stale = await fetch(url, { headers: { 'Last-Event-ID': client.events[1]!.id } });
    const text = await readUntil(stale, (t) => t.includes('"file":2'));
    expect(text).toContain(`event: ${RESET_EVENT}\ndata: {"reason":"stale-id"`);
  });

  it('answers 400 to a malformed id and 410 to a stale one when staleId is "gone"', async () => {
    const { path, url } = await setup({ staleId: 'gone' });
    const log = openEventLog(path);
    const { nextOffset } = await log.emit('started');
    await log.close();
    for (const bad of [
      'x',
      '12',
      'abc-1',
      '0123456789ab-01',
      '0123456789ab-1x',
      `${'a'.repeat(12)}-99999999999999999`,
    ]) {
      const response = await fetch(url, { headers: { 'Last-Event-ID': bad } });
      expect(response.status, bad).toBe(400);
    }
    expect((await fetch(`${url}?lastEventId=nope`)).status).toBe(400);
    expect((await fetch(url, { headers: { 'Last-Event-ID': `0123456789ab-${nextOffset}` } })).status).toBe(
      410,
    );
    // An offset that is not a line start, or past the end, is no id of this log either.
    const epoch = parseEventId(await firstId(url))!.epoch;
    expect((await fetch(url, { headers: { 'Last-Event-ID': `${epoch}-3` } })).status).toBe(410);
    expect((await fetch(url, { headers: { 'Last-Event-ID': `${epoch}-${nextOffset + 1}` } })).status).toBe(
      410,
    );
    appendFileSync(path, '');
    expect(readFileSync(path, 'utf8').length).toBe(nextOffset);
  });
});

async function firstId(url: string): Promise<string> {
  const text = await readUntil(await fetch(url), (t) => /^id: .*\n/m.test(t));
  return /^id: (.*)$/m.exec(text)![1]!;
}
