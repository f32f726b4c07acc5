import { existsSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEventLog, readEvents } from '@fipc/events';
import { mirrorLog } from '@fipc/sse';
import { runTs, spawnTs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

async function seqsOf(path: string): Promise<number[]> {
  const out: number[] = [];
  for await (const { record } of readEvents(path)) out.push(record.seq ?? -1);
  return out;
}

function start(source: string, destination: string, onReset?: (r: { reason: string }) => void) {
  const controller = new AbortController();
  const done = mirrorLog(source, destination, { signal: controller.signal, pollMs: 20, onReset });
  return {
    stop: () => {
      controller.abort();
      return done;
    },
  };
}

describe('mirrorLog', () => {
  it('copies a log incrementally, waiting for it to appear, byte for byte', async () => {
    const dir = tempDir();
    const source = join(dir, 'container', 'events.jsonl');
    const destination = join(dir, 'host', 'events.jsonl');
    const mirror = start(source, destination);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const log = openEventLog(source);
    for (let i = 0; i < 50; i++) await log.emit('progress', { data: { i } });
    await waitFor(() => read(destination) === read(source), { what: 'the copy' });
    for (let i = 0; i < 50; i++) await log.emit('progress', { data: { i } });
    await log.close();
    await waitFor(() => read(destination) === read(source), { what: 'the increment' });
    await mirror.stop();
    expect(await seqsOf(destination)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('resumes after a restart without duplicates, and after kill -9 mid-copy too', async () => {
    const dir = tempDir();
    const source = join(dir, 'src', 'events.jsonl');
    const destination = join(dir, 'dst', 'events.jsonl');
    const log = openEventLog(source);
    for (let i = 0; i < 100; i++) await log.emit('progress');
    let mirror = start(source, destination);
    await waitFor(() => read(destination) === read(source), { what: 'the first copy' });
    await mirror.stop();
    for (let i = 0; i < 100; i++) await log.emit('progress');
    await log.close();
    mirror = start(source, destination);
    await waitFor(() => read(destination).length === read(source).length, { what: 'the resumed copy' });
    await mirror.stop();
    expect(read(destination)).toBe(read(source));

    // A mirror process killed while a writer appends as fast as it can: the next one ends byte-identical.
    const writer = spawnTs(fixture('writer.ts'), [source, '20000']);
    const child = spawnTs(fixture('mirror.ts'), [source, destination]);
    await child.waitForLine((line) => line === 'ready');
    await waitFor(() => read(destination).length > read(source).length / 2 + 500_000, {
      what: 'the mirror to copy',
      timeoutMs: 30_000,
    });
    await child.kill9();
    await writer.waitForLine((line) => line === 'done', 60_000);
    mirror = start(source, destination);
    await waitFor(() => read(destination).length >= read(source).length, { what: 'the copy after kill -9' });
    await mirror.stop();
    expect(read(destination)).toBe(read(source));
    expect(await seqsOf(destination)).toEqual([
      ...Array.from({ length: 200 }, (_, i) => i + 1),
      ...Array.from({ length: 20000 }, (_, i) => i + 1),
    ]);
  });

  it('survives truncation and replacement of the source: keeps what it has and appends the new log', async () => {
    const dir = tempDir();
    const source = join(dir, 'events.jsonl');
    const destination = join(dir, 'host', 'events.jsonl');
    const resets: string[] = [];
    const log = openEventLog(source, { instanceId: 'first' });
    for (let i = 0; i < 10; i++) await log.emit('progress');
    const mirror = start(source, destination, ({ reason }) => resets.push(reason));
    await waitFor(() => read(destination) === read(source), { what: 'the copy' });
    const before = read(source);
    truncateSync(source, 0);
    for (let i = 0; i < 3; i++) await log.emit('progress');
    await waitFor(() => read(destination) === before + read(source), { what: 'the truncated log appended' });
    const twice = read(destination);
    writeFileSync(join(dir, 'next.jsonl'), '');
    const next = openEventLog(join(dir, 'next.jsonl'), { instanceId: 'second' });
    await next.emit('started');
    renameSync(join(dir, 'next.jsonl'), source);
    await next.emit('completed');
    await next.close();
    await log.close();
    await waitFor(() => read(destination).endsWith(read(source)) && read(destination).length > twice.length, {
      what: 'the replacement appended',
    });
    await mirror.stop();
    expect(resets).toEqual(['truncated', 'replaced']);
    const types: string[] = [];
    for await (const { record } of readEvents(destination))
      types.push(`${record.instance_id}:${record.event_type}`);
    expect(types.filter((t) => t.startsWith('second'))).toEqual(['second:started', 'second:completed']);
    expect(types.filter((t) => t.startsWith('first'))).toHaveLength(13);
  });

  it('restarted after the source was replaced, it appends the new log instead of skipping into it', async () => {
    const dir = tempDir();
    const source = join(dir, 'events.jsonl');
    const destination = join(dir, 'host', 'events.jsonl');
    const first = openEventLog(source, { instanceId: 'first' });
    for (let i = 0; i < 5; i++) await first.emit('progress');
    await first.close();
    let mirror = start(source, destination);
    await waitFor(() => read(destination) === read(source), { what: 'the copy' });
    await mirror.stop();
    const old = read(source);
    writeFileSync(source, '');
    await runTs(fixture('writer.ts'), [source, '20']);
    mirror = start(source, destination);
    await waitFor(() => read(destination) === old + read(source), { what: 'the new log appended' });
    await mirror.stop();
  });
});
