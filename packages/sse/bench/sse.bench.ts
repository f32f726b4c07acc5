import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  closeSync,
  watch as fsWatch,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer, get, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { defineBench, lineTail } from '@fipc/bench';
import { sseHandler } from '@fipc/sse';
import { spawnTs } from '@fipc/test-utils';
import { createChannel, createSession } from 'better-sse';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

async function listen(handler: RequestListener) {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** The baseline tailer: polls the file every 200 ms and writes the new lines as SSE to every client. */
function pollingHandler(path: string, periodMs: number): { handler: RequestListener; stop: () => void } {
  const clients = new Set<ServerResponse>();
  let offset = 0;
  let seq = 0;
  const timer = setInterval(() => {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return;
    }
    const size = statSync(path).size;
    const buffer = Buffer.allocUnsafe(size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    closeSync(fd);
    const end = buffer.lastIndexOf(10) + 1;
    offset += end;
    let frames = '';
    for (const line of buffer.subarray(0, end).toString().split('\n').filter(Boolean)) {
      frames += `id: ${++seq}\nevent: ${JSON.parse(line).event_type}\ndata: ${line}\n\n`;
    }
    if (frames) for (const res of clients) res.write(frames);
  }, periodMs);
  return {
    handler: (req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8' });
      res.write(': poll\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * The peer: better-sse (what a user would pick instead), its channel broadcasting each new line of the log,
 * fed the way a user would feed it: `fs.watch` on the directory and a read of the new bytes at each event.
 */
function betterSseHandler(path: string): { handler: RequestListener; stop: () => void } {
  const channel = createChannel();
  const position = statSync(path, { throwIfNoEntry: false })?.size ?? 0; // new records only
  let lineStart = position;
  const tail = lineTail(
    (line) => {
      lineStart += Buffer.byteLength(line) + 1;
      if (line) channel.broadcast(line, JSON.parse(line).event_type, { eventId: String(lineStart) });
    },
    position,
    1024 * 1024,
  );
  const read = () => {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return;
    }
    tail(fd);
    closeSync(fd);
  };
  const watcher = fsWatch(dirname(path), (_event, name) => {
    if (name === basename(path)) read();
  });
  return {
    handler: async (req, res) => {
      // The line is sent as it is (no second JSON encoding), as our server does.
      const session = await createSession(req, res, { serializer: (data) => String(data), keepAlive: null });
      channel.register(session);
    },
    stop: () => watcher.close(),
  };
}

type Kind = 'fipc' | 'polling' | 'better-sse';

/** 100 clients in one process, a worker emitting 200 records/s in another, the server here. */
async function latency(kind: Kind) {
  const dir = mkdtempSync(join(tmpdir(), 'fipc-bench-'));
  const path = join(dir, 'events.jsonl');
  const peer =
    kind === 'polling'
      ? pollingHandler(path, 200)
      : kind === 'better-sse'
        ? betterSseHandler(path)
        : undefined;
  const server = await listen(peer?.handler ?? sseHandler(() => path));
  const count = 1000;
  const clients = spawnTs(fixture('clients.ts'), [server.url, '100', String(count), 'latency']);
  await clients.waitForLine((line) => line === 'ready', 60_000);
  const worker = spawnTs(fixture('emitter.ts'), [path, '200', String(count)]);
  const line = await clients.waitForLine((l) => l.startsWith('result '), 60_000);
  await worker.exited;
  peer?.stop();
  server.close();
  rmSync(dir, { recursive: true, force: true });
  const { p50, p99 } = JSON.parse(line.slice('result '.length));
  return { p50, p99 };
}

const FANOUT_CLIENTS = 1000;
const FANOUT_RECORDS = 1000;
const BATCH = 50;

function records(from: number, n: number): Buffer {
  let text = '';
  for (let i = from; i < from + n; i++) {
    text += `${JSON.stringify({ schema_version: 1, timestamp: new Date(1_800_000_000_000 + i).toISOString(), instance_id: 'bench', event_type: 'progress', phase: null, data: { i, pad: 'x'.repeat(100) }, seq: i + 1 })}\n`;
  }
  return Buffer.from(text);
}

/** Records/s times clients: ours follows the log; the floor writes the same frames straight to the sockets. */
async function fanout(kind: 'fipc' | 'raw' | 'better-sse') {
  const dir = mkdtempSync(join(tmpdir(), 'fipc-bench-'));
  const path = join(dir, 'events.jsonl');
  writeFileSync(path, records(-1, 1)); // one record before the clients arrive (gives the log its epoch)
  const sockets: ServerResponse[] = [];
  const peer = kind === 'better-sse' ? betterSseHandler(path) : undefined; // sends new records only
  const server = await listen(
    peer?.handler ??
      (kind === 'fipc'
        ? sseHandler(() => path, { heartbeatMs: 0 })
        : (_req, res) => {
            res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8' });
            res.write(': raw\n\n');
            sockets.push(res);
          }),
  );
  const clients = spawnTs(fixture('clients.ts'), [
    server.url,
    String(FANOUT_CLIENTS),
    String(FANOUT_RECORDS + (kind === 'fipc' ? 1 : 0)),
    'count',
  ]);
  await clients.waitForLine((line) => line === 'ready', 120_000);
  await new Promise((resolve) => setTimeout(resolve, 500)); // every client caught up and joined the follower
  const fd = openSync(path, 'a');
  const start = process.hrtime.bigint();
  let offset = statSync(path).size;
  for (let i = 0; i < FANOUT_RECORDS; i += BATCH) {
    const batch = records(i, BATCH);
    if (kind !== 'raw') writeSync(fd, batch);
    else {
      // The floor: the same frames our server sends (same ids, names and data), one write per socket.
      let frames = '';
      for (const line of batch.toString().split('\n').filter(Boolean)) {
        offset += Buffer.byteLength(line) + 1;
        frames += `id: 0123456789ab-${offset}\nevent: progress\ndata: ${line}\n\n`;
      }
      const bytes = Buffer.from(frames);
      for (const res of sockets) res.write(bytes);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  closeSync(fd);
  await clients.waitForLine((line) => line === 'done', 120_000);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  peer?.stop();
  server.close();
  rmSync(dir, { recursive: true, force: true });
  return { deliveries: (FANOUT_CLIENTS * FANOUT_RECORDS) / seconds };
}

/** A log of about `bytes`: a real first record, then blocks of records written quickly. */
function bigLog(path: string, bytes: number): number {
  const block = records(0, 4000); // ~0.9 MB of records
  const fd = openSync(path, 'w');
  writeSync(fd, records(-1, 1));
  for (let size = 0; size < bytes; size += block.length) writeSync(fd, block);
  const tail = records(10_000, 10);
  writeSync(fd, tail);
  const size = statSync(path).size;
  closeSync(fd);
  return size - tail.length + tail.indexOf(10) + 1; // the id of the first tail record: 9 records follow
}

/** Time to first byte of a resume from an id near the end: one seek, whatever the size. */
async function resume(bytes: number) {
  const dir = mkdtempSync(join(tmpdir(), 'fipc-bench-'));
  const path = join(dir, 'events.jsonl');
  const offset = bigLog(path, bytes);
  const server = await listen(sseHandler(() => path));
  // The epoch as PROTOCOL.md 5.1 defines it: SHA-256 of the first line, 12 hex digits.
  const firstLine = records(-1, 1);
  const first = createHash('sha256').update(firstLine).digest('hex').slice(0, 12);
  const id = `${first}-${offset}`;
  const times: number[] = [];
  for (let i = 0; i < 40; i++) {
    const start = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      const req = get(server.url, { headers: { 'Last-Event-ID': id }, agent: false }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        res.on('data', (chunk: Buffer) => {
          if (!chunk.includes('"i":10001')) return; // the first record after the id
          times.push(Number(process.hrtime.bigint() - start) / 1e6);
          req.destroy();
          resolve();
        });
      });
      req.on('error', reject);
    });
  }
  server.close();
  rmSync(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  return { ttfb: times[times.length >> 1]! };
}

// 1 GB written for real (blocks of records, no sparse hole), deleted after each run.
const GB = 1024 * 1024 * 1024;

export default [
  defineBench({
    name: 'sse.latency',
    description:
      'emit in a worker -> 100 SSE clients at 200 records/s; baselines: a 200 ms polling tailer, and better-sse (its channel broadcasting each line an fs.watch + read loop finds)',
    metrics: { p50: { unit: 'ms', better: 'lower' }, p99: { unit: 'ms', better: 'lower' } },
    ours: 'fipc',
    rounds: 3,
    subjects: {
      fipc: () => latency('fipc'),
      'polling-200ms': () => latency('polling'),
      'better-sse': () => latency('better-sse'),
    },
    goals: [
      { metric: 'p50', max: 2 },
      { metric: 'p99', max: 10 },
      { metric: 'p50', against: 'polling-200ms', max: 0.1 },
      // better-sse fed by fs.watch + a read is about the floor of any follower: within 1.5x of it.
      { metric: 'p50', against: 'better-sse', max: 1.5 },
      { metric: 'p99', against: 'better-sse', max: 1.5 },
    ],
  }),
  defineBench({
    name: 'sse.fanout',
    description:
      '1,000 records to 1,000 clients; floor: a raw node:http loop writing the same frames; peer: better-sse broadcasting what an fs.watch + read loop finds in the log',
    metrics: { deliveries: { unit: 'deliveries/s', better: 'higher' } },
    ours: 'fipc',
    rounds: 3,
    subjects: {
      fipc: () => fanout('fipc'),
      'raw-http-loop': () => fanout('raw'),
      'better-sse': () => fanout('better-sse'),
    },
    goals: [
      { metric: 'deliveries', against: 'raw-http-loop', min: 0.8 },
      { metric: 'deliveries', against: 'better-sse', min: 1 },
    ],
  }),
  defineBench({
    name: 'sse.resume',
    description: 'time to first record resuming from an id near the end of a 1 GB log vs a 10 MB one',
    metrics: { ttfb: { unit: 'ms', better: 'lower' } },
    ours: 'fipc-1GB',
    rounds: 3,
    subjects: { 'fipc-1GB': () => resume(GB), 'fipc-10MB': () => resume(10 * 1024 * 1024) },
    goals: [
      { metric: 'ttfb', max: 10 },
      { metric: 'ttfb', against: 'fipc-10MB', max: 1.5 },
    ],
  }),
];
