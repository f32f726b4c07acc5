import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAX_LINE_BYTES, type Skip, TOO_LONG } from '@fipc/core';
import { openEventLog } from '@fipc/events';
import { createSseStream, type SseStreamOptions } from '@fipc/sse';
import { spawnTs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readUntil, recordsIn } from './helpers.js';

/** A valid record whose line (without its newline) is exactly `bytes` long. */
function recordLine(bytes: number): string {
  const head =
    '{"schema_version":1,"timestamp":"2026-01-01T00:00:00.000Z","instance_id":"big","event_type":"huge","phase":null,"data":{"pad":"';
  const tail = '"}}';
  return `${head}${'x'.repeat(bytes - head.length - tail.length)}${tail}`;
}

/**
 * Client L joins the shared follower before a line of `length` bytes is appended (the follower reads it),
 * client C catches up over it with its own reads; both must skip it and send the same records.
 */
async function liveAndCatchUp(length: number, options: SseStreamOptions) {
  const path = join(tempDir(), 'events.jsonl');
  const log = openEventLog(path);
  await log.emit('started');
  const controller = new AbortController();
  onTestFinished(() => controller.abort());
  const live = createSseStream(path, { ...options, signal: controller.signal }).getReader();
  let liveText = '';
  while (!liveText.includes('event: started')) liveText += Buffer.from((await live.read()).value!).toString();
  await new Promise((resolve) => setTimeout(resolve, 100)); // caught up: the follower has the file open
  const offset = (await log.emit('progress')).nextOffset;
  appendFileSync(path, `${recordLine(length)}\n`);
  await log.emit('completed');
  await log.close();
  while (!liveText.includes('event: completed'))
    liveText += Buffer.from((await live.read()).value!).toString();
  const skips: Skip[] = [];
  const caughtUp = await readUntil(createSseStream(path, { ...options, onSkip: (s) => skips.push(s) }), (t) =>
    t.includes('event: completed'),
  );
  return { path, offset, liveText, caughtUp, skips };
}

describe('lines over maxLineBytes', () => {
  it('catch-up skips a line between maxLineBytes and twice that, exactly as the live follower does', async () => {
    const { path, offset, liveText, caughtUp, skips } = await liveAndCatchUp(1_500, { maxLineBytes: 1_000 });
    const types = (text: string) => recordsIn(text).map((r) => r.event_type);
    expect(types(liveText)).toEqual(['started', 'progress', 'completed']);
    expect(types(caughtUp)).toEqual(types(liveText));
    expect(caughtUp.match(/^id: .*/gm)).toEqual(liveText.match(/^id: .*/gm));
    expect(skips).toEqual([{ reason: TOO_LONG, path, offset, length: 1_500 }]);
  });

  it('with the default limit too: a 9 MiB line is skipped by catch-up as by the follower', async () => {
    const length = DEFAULT_MAX_LINE_BYTES + 1024 * 1024;
    const { liveText, caughtUp, skips } = await liveAndCatchUp(length, {});
    expect(recordsIn(caughtUp).map((r) => r.event_type)).toEqual(['started', 'progress', 'completed']);
    expect(caughtUp.match(/^id: .*/gm)).toEqual(liveText.match(/^id: .*/gm));
    expect(skips.map((s) => [s.reason, s.length])).toEqual([[TOO_LONG, length]]);
  });

  it('sends a line longer than a read chunk within maxLineBytes, complete or completed after the client caught up', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    await log.emit('started');
    const line = recordLine(300 * 1024);
    appendFileSync(path, line.slice(0, 200 * 1024)); // still being written when the client catches up
    const controller = new AbortController();
    onTestFinished(() => controller.abort());
    const live = createSseStream(path, { signal: controller.signal }).getReader();
    let liveText = '';
    while (!liveText.includes('event: started'))
      liveText += Buffer.from((await live.read()).value!).toString();
    await new Promise((resolve) => setTimeout(resolve, 100));
    appendFileSync(path, `${line.slice(200 * 1024)}\n`);
    await log.emit('completed');
    await log.close();
    while (!liveText.includes('event: completed'))
      liveText += Buffer.from((await live.read()).value!).toString();
    const caughtUp = await readUntil(createSseStream(path), (t) => t.includes('event: completed'));
    expect(recordsIn(caughtUp).map((r) => r.event_type)).toEqual(['started', 'huge', 'completed']);
    expect(recordsIn(caughtUp)).toEqual(recordsIn(liveText));
    expect(caughtUp.match(/^id: .*/gm)).toEqual(liveText.match(/^id: .*/gm));
  });

  it('10 clients catching up on a 128 MiB unfinished line keep the server in bounded memory', async () => {
    const dir = tempDir();
    const path = join(dir, 'events.jsonl');
    const log = openEventLog(path);
    await log.emit('started');
    await log.close();
    appendFileSync(path, Buffer.alloc(128 * 1024 * 1024, 'x')); // no newline yet: a line still being written
    const server = spawnTs(join(import.meta.dirname, 'fixtures', 'server.ts'), [dir]);
    onTestFinished(() => void server.kill9());
    const port = (await server.waitForLine((line) => line.startsWith('ready '))).slice(6);
    const memory = async () =>
      (await (await fetch(`http://127.0.0.1:${port}/memory`)).json()) as { rss: number; peak: number };
    const before = (await memory()).rss;
    const texts = Array.from({ length: 10 }, () => '');
    const clients = texts.map(async (_, i) => {
      const reader = (await fetch(`http://127.0.0.1:${port}/?log=events.jsonl`)).body!.getReader();
      while (!texts[i]!.includes('event: completed'))
        texts[i] += Buffer.from((await reader.read()).value!).toString();
      await reader.cancel();
    });
    await waitFor(() => texts.every((t) => t.includes('event: started')), { what: 'the first record' });
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // every client reads into the long line
    appendFileSync(path, `\n${recordLine(200).replace('"huge"', '"completed"')}\n`);
    await Promise.all(clients);
    const { peak } = await memory();
    console.log('GROWTH', (peak - before) / 1048576);
    for (const text of texts)
      expect(recordsIn(text).map((r) => r.event_type)).toEqual(['started', 'completed']);
    expect(peak - before, `RSS grew from ${before} to ${peak}`).toBeLessThan(100 * 1024 * 1024);
  }, 120_000);
});
