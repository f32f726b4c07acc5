import { spawn } from 'node:child_process';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { listSegments, openEventLog } from '@fipc/events';
import { createSseStream, sseHandler } from '@fipc/sse';
import { spawnTs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { range, readUntil, recordsIn, serve } from './helpers.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A log of `count` records `{ i }`, rotated after every `per` records (its last segment then the live file). */
async function rotatedLog(count: number, per: number): Promise<string> {
  const path = join(tempDir(), 'events.jsonl');
  const log = openEventLog(path);
  for (let i = 0; i < count; i++) {
    await log.emit('n', { data: { i } });
    if ((i + 1) % per === 0) await log.rotate();
  }
  await log.close();
  return path;
}

const ids = (text: string) => [...text.matchAll(/^id: (.*)$/gm)].map((m) => m[1]!);

describe('SSE across the segments of a rotated log', () => {
  it('a client without an id starts at the oldest segment; an id in a segment resumes there, with no reset', async () => {
    const path = await rotatedLog(9, 3); // segments 1, 2, 3; an empty live file
    const all = await readUntil(createSseStream(path), (text) => recordsIn(text).length === 9);
    expect(recordsIn(all).map((r) => (r.data as { i: number }).i)).toEqual(range(0, 8));
    expect(new Set(ids(all).map((id) => id.split('-')[0])).size).toBe(3);
    expect(all).not.toContain('fipc:reset');
    const resumed = await readUntil(
      createSseStream(path, { lastEventId: ids(all)[1] }),
      (text) => recordsIn(text).length === 7,
    );
    expect(recordsIn(resumed).map((r) => (r.data as { i: number }).i)).toEqual(range(2, 8));
    expect(ids(resumed)).toEqual(ids(all).slice(2));
    expect(resumed).not.toContain('fipc:reset');
  });

  it('an id from a deleted segment: 410 with staleId gone, else fipc:reset stale-id and the oldest segment', async () => {
    const path = await rotatedLog(9, 3);
    const first = await readUntil(createSseStream(path), (text) => recordsIn(text).length >= 2);
    const id = ids(first)[1]!;
    unlinkSync(listSegments(path)[0]!.path);
    const { url } = await serve(sseHandler(() => path, { staleId: 'gone' }));
    const gone = await fetch(url, { headers: { 'Last-Event-ID': id } });
    expect(gone.status).toBe(410);
    const restarted = await readUntil(
      createSseStream(path, { lastEventId: id }),
      (text) => recordsIn(text).length === 6,
    );
    expect(restarted).toContain(`event: fipc:reset\ndata: {"reason":"stale-id","lastEventId":"${id}"}`);
    expect(recordsIn(restarted).map((r) => (r.data as { i: number }).i)).toEqual(range(3, 8));
  });

  it('an EventSource client killed with kill -9 and resumed 20 times across rotations gets each record exactly once', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const { url } = await serve(sseHandler(() => path, { heartbeatMs: 0 }));
    const count = 3000;
    const writer = spawnTs(fixture('rotating-writer.ts'), [path, `${count}`, '16384', '4']);
    await writer.waitForLine((line) => line === 'started');
    const received: number[] = [];
    const epochs = new Set<string>();
    let resets = 0;
    let lastId: string | undefined;
    let crossed = 0; // resumes whose next record was in another file than the id's
    for (let run = 0; run <= 20; run++) {
      const target = lastId ? `${url}/?lastEventId=${encodeURIComponent(lastId)}` : url;
      const client = spawn(process.execPath, [fixture('es-client.mjs'), target], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      client.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
      const exited = new Promise((resolve) => client.on('close', resolve));
      try {
        if (run < 20) {
          // Each run gets somewhere, however long a loaded machine takes to start the client.
          await waitFor(() => out.includes('\n') || received.length >= count, {
            timeoutMs: 60_000,
            what: 'a first event',
          });
          await sleep(150 + Math.random() * 350);
        } else {
          const lines = () => out.split('\n').length - 1;
          await waitFor(() => received.length + lines() >= count, {
            timeoutMs: 60_000,
            what: 'every record',
          });
          await sleep(300); // would show a duplicate
        }
      } finally {
        client.kill('SIGKILL'); // an EventSource would reconnect forever
        await exited;
      }
      const before = lastId;
      let first = true;
      for (const line of out.split('\n').filter(Boolean)) {
        const event = JSON.parse(line);
        if (event.reset) {
          resets += 1;
          continue;
        }
        if (first && before && before.split('-')[0] !== event.id.split('-')[0]) crossed += 1;
        first = false;
        received.push(event.i);
        epochs.add(event.id.split('-')[0]);
        lastId = event.id;
      }
      if (run % 4 === 3) await sleep(1_200); // resume later: from a segment the log has rotated past since
    }
    await writer.waitForLine((line) => line === 'done', 60_000);
    expect(resets).toBe(0);
    expect(received).toEqual(range(0, count - 1));
    expect(epochs.size).toBe(listSegments(path).length + 1);
    expect(epochs.size).toBeGreaterThan(10);
    expect(crossed).toBeGreaterThan(0);
    console.log(`kill -9 x 20: ${epochs.size} files, ${crossed} resumes crossed a rotation`);
  }, 120_000);
});
