import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { EventLogError, mirrorLog, openEventLog, readEvents } from '@fipc/events';
import { runTs, spawnTs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { settle } from './helpers.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

async function seqsOf(path: string): Promise<number[]> {
  const out: number[] = [];
  for await (const { record } of readEvents(path)) out.push(record.seq ?? -1);
  return out;
}

const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const record = (type: string, data = '{}') =>
  `{"schema_version":1,"timestamp":"2026-01-01T00:00:00.000Z","instance_id":"i","event_type":"${type}","phase":null,"data":${data}}\n`;

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
    const writer = spawnTs(fixture('append-padded.ts'), [source, '20000']);
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
    await runTs(fixture('append-padded.ts'), [source, '20']);
    mirror = start(source, destination);
    await waitFor(() => read(destination) === old + read(source), { what: 'the new log appended' });
    await mirror.stop();
  });

  it('copies a large backlog without blocking the event loop', async () => {
    const dir = tempDir();
    const source = join(dir, 'src', 'events.jsonl');
    const destination = join(dir, 'dst', 'events.jsonl');
    const chunk = Buffer.from(
      Array.from({ length: 1024 }, (_, i) => record('bulk', `{"i":${i},"pad":"${'p'.repeat(900)}"}`)).join(
        '',
      ),
    );
    mkdirSync(join(dir, 'src'));
    for (let m = 0; m < 64; m++) appendFileSync(source, chunk); // about 64 MB
    const total = size(source);
    // A timer that runs while the copy is under way: a synchronous copy loop never lets it see one.
    let midCopy = 0;
    const timer = setInterval(() => {
      const copied = size(destination);
      if (copied > 0 && copied < total) midCopy++;
    }, 1);
    const mirror = start(source, destination);
    try {
      await waitFor(() => size(destination) === total, { what: 'the backlog copied', timeoutMs: 60_000 });
    } finally {
      clearInterval(timer);
      await mirror.stop();
    }
    console.log(`64 MB backlog: the timer ran ${midCopy} times during the copy`);
    expect(midCopy).toBeGreaterThanOrEqual(3);
    expect(readFileSync(destination).equals(readFileSync(source))).toBe(true);
  }, 120_000);

  it('refuses, with a typed EventLogError, a destination it cannot create and a path that is not a regular file', async () => {
    const dir = tempDir();
    const source = join(dir, 'events.jsonl');
    writeFileSync(source, record('a'));
    const file = join(dir, 'file');
    writeFileSync(file, 'not a directory');
    const run = (from: string, to: string) => {
      const controller = new AbortController();
      onTestFinished(() => controller.abort());
      return settle(mirrorLog(from, to, { signal: controller.signal, pollMs: 20 }));
    };
    const under = join(file, 'host', 'events.jsonl');
    const error = await run(source, under);
    expect(error).toBeInstanceOf(EventLogError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', cause: { code: 'ENOTDIR' } });
    const directory = join(dir, 'dir.jsonl');
    mkdirSync(directory);
    expect(await run(source, directory)).toMatchObject({ name: 'EventLogError', code: 'NOT_A_FILE' });
    // A symlink at either end is never followed, a FIFO as the source never blocked on.
    const outside = join(dir, 'outside.jsonl');
    writeFileSync(outside, 'precious\n');
    const link = join(dir, 'link.jsonl');
    symlinkSync(outside, link);
    expect(await run(source, link)).toMatchObject({ name: 'EventLogError', code: 'NOT_A_FILE' });
    expect(await run(link, join(dir, 'copy-1.jsonl'))).toMatchObject({ code: 'NOT_A_FILE' });
    expect(readFileSync(outside, 'utf8')).toBe('precious\n');
    const fifo = join(dir, 'fifo.jsonl');
    execFileSync('mkfifo', [fifo]);
    onTestFinished(() => closeSync(openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK)));
    expect(await run(fifo, join(dir, 'copy-2.jsonl'))).toMatchObject({ code: 'NOT_A_FILE' });
  });

  it('copies a 3 MiB record whole and byte-identical, not before its newline', async () => {
    const dir = tempDir();
    const source = join(dir, 'events.jsonl');
    const destination = join(dir, 'host', 'events.jsonl');
    const big = record('big', `{"pad":"${'é'.repeat(1536 * 1024)}"}`); // 3 MiB of two-byte characters
    const cut = Buffer.byteLength(big) - 1000;
    writeFileSync(source, Buffer.concat([Buffer.from(record('a')), Buffer.from(big).subarray(0, cut)]));
    const mirror = start(source, destination);
    await waitFor(() => size(destination) >= Buffer.byteLength(record('a')), { what: 'the first line' });
    await sleep(300); // many polls: the unfinished line is never copied, not even in part
    expect(readFileSync(destination, 'utf8')).toBe(record('a'));
    appendFileSync(source, Buffer.concat([Buffer.from(big).subarray(cut), Buffer.from(record('b'))]));
    await waitFor(() => size(destination) === size(source), { what: 'the big record' });
    await mirror.stop();
    expect(readFileSync(destination).equals(readFileSync(source))).toBe(true);
    expect(await seqsOf(destination)).toHaveLength(3);
  });

  it('replaces its checkpoint through an exclusive temp file: a symlink planted at a temp name is not followed', async () => {
    const dir = tempDir();
    const source = join(dir, 'events.jsonl');
    const destination = join(dir, 'host', 'events.jsonl');
    mkdirSync(join(dir, 'host'));
    const checkpoint = join(dir, 'host', '.events.jsonl.mirror.json');
    const outside = join(dir, 'outside');
    writeFileSync(outside, 'precious');
    symlinkSync(outside, `${checkpoint}.${process.pid}.tmp`); // the name a predictable temp file would take
    writeFileSync(source, record('a'));
    const mirror = start(source, destination);
    await waitFor(() => existsSync(checkpoint) && size(destination) === size(source), { what: 'the copy' });
    await mirror.stop();
    expect(readFileSync(outside, 'utf8')).toBe('precious');
    expect(lstatSync(checkpoint).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).toMatchObject({ offset: size(source) });
  });
});
