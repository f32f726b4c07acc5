import {
  closeSync,
  watch as fsWatch,
  linkSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBench, msSince, percentile } from '@fipc/bench';
import { FILE_SYSCALLS, hasStrace, syscallsPerSecond } from '@fipc/bench/process-stats';
import { request, serveRequests } from '@fipc/requests';
import { runTs, spawnTs } from '@fipc/test-utils';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', `${name}.ts`);
// Where the round trips' files go: the disk matters (on ext4 without a journal, creating a file right after many
// were deleted costs up to ~0.7 ms: see bench/PROFILE.md). FIPC_BENCH_DIR picks another place.
const base = process.env.FIPC_BENCH_DIR ?? tmpdir();
const WARMUP = 300;
const ROUND_TRIPS = 3000;
const payload = { question: 'deploy build 1234 to production?', options: ['yes', 'no'], n: 0 };

/** Times `once` sequentially and returns p50 and p99 in ms. */
async function latencies(once: (n: number) => Promise<unknown>) {
  for (let i = 0; i < WARMUP; i++) await once(i);
  const times: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const start = process.hrtime.bigint();
    await once(i);
    times.push(msSince(start));
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function fipcRoundTrip() {
  const dir = mkdtempSync(join(base, 'fipc-bench-'));
  const responder = spawnTs(fixture('echo-responder'), [dir]);
  await responder.waitForLine((l) => l === 'ready');
  try {
    // retention 0 keeps the directory small, as a long-running system with a short retention would
    return await latencies((n) => request(dir, 'ask', { ...payload, n }, { retentionMs: 0 }));
  } finally {
    responder.process.stdin?.end();
    await responder.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The floor of any request/response through files: the same two files per round trip, published the same way
 * (temp file + link), each side woken by fs.watch, with nothing else (no claim, no lease, no validation).
 */
async function filePairRoundTrip() {
  const dir = mkdtempSync(join(base, 'fipc-bench-'));
  const responder = spawnTs(fixture('file-pair-responder'), [dir]);
  await responder.waitForLine((l) => l === 'ready');
  const waiting = new Map<string, () => void>();
  const watcher = fsWatch(dir, (_event, name) => {
    if (typeof name === 'string' && name.endsWith('.response')) waiting.get(name.slice(0, -9))?.();
  });
  let n = 0;
  const once = (i: number) =>
    new Promise((resolve) => {
      const id = `q${n++}`;
      waiting.set(id, () => {
        waiting.delete(id);
        resolve(JSON.parse(readFileSync(join(dir, `${id}.response`), 'utf8')));
      });
      const temp = join(dir, `.req-${id}`);
      const fd = openSync(temp, 'wx', 0o600);
      writeSync(fd, `${JSON.stringify({ request_id: id, payload: { ...payload, n: i } })}\n`);
      closeSync(fd);
      linkSync(temp, join(dir, `${id}.json`));
      unlinkSync(temp);
    });
  try {
    return await latencies(once);
  } finally {
    watcher.close();
    responder.process.stdin?.end();
    await responder.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function httpRoundTrip() {
  const server = spawnTs(fixture('http-echo'));
  const port = Number((await server.waitForLine((l) => l.startsWith('port '))).slice(5));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = (n: number) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ ...payload, n });
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          agent,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    return await latencies(once);
  } finally {
    agent.destroy();
    server.process.stdin?.end();
    await server.exited;
  }
}

/** Writes `count` pending requests (from another process), then times one responder serving them all. */
async function serveBacklog(count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'fipc-bench-'));
  try {
    await runTs(fixture('write-pending'), [dir, String(count)]);
    const stop = new AbortController();
    let left = count;
    const start = process.hrtime.bigint();
    const served = serveRequests(
      dir,
      (value) => {
        if (--left === 0) setImmediate(() => stop.abort());
        return value;
      },
      { signal: stop.signal, concurrency: 16 },
    );
    const { answered } = await served;
    const elapsed = msSince(start);
    const responses = readdirSync(join(dir, 'input-requests')).filter((n) => n.endsWith('.response')).length;
    if (answered !== count || responses !== count)
      throw new Error(`answered ${answered}/${responses} of ${count}`);
    return elapsed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// How long the idle responder gets to settle (its first rescan and sweep look at every held request once),
// then how long its syscalls are counted: over a minute, so that a background sweep (one a minute) is inside.
const SETTLE_MS = 15_000;
const COUNT_MS = 65_000;

/**
 * Syscalls per second of a responder (default options) on a directory of `count` requests that another live
 * responder holds: it can do nothing for them until their leases expire, so its cost should not grow with them.
 */
async function idleResponderSyscalls(count: number): Promise<{ all: number; file: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'fipc-bench-'));
  const holder = spawnTs(fixture('holder'), [dir, String(count)]);
  let idle: ReturnType<typeof spawnTs> | undefined;
  try {
    await runTs(fixture('write-pending'), [dir, String(count)]);
    await holder.waitForLine((l) => l === `holding ${count}`, 300_000);
    idle = spawnTs(fixture('idle-responder'), [dir]);
    await idle.waitForLine((l) => l === 'ready');
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const rates = await syscallsPerSecond(idle.process.pid!, COUNT_MS);
    const sum = (names: Iterable<string>) =>
      [...names].reduce((total, name) => total + (rates.get(name) ?? 0), 0);
    return { all: sum(rates.keys()), file: sum(FILE_SYSCALLS) };
  } finally {
    for (const child of [idle, holder]) child?.process.stdin?.end();
    await Promise.all([idle?.exited, holder.exited]);
    rmSync(dir, { recursive: true, force: true });
  }
}

export default [
  defineBench({
    name: 'requests.round-trip',
    description: `${ROUND_TRIPS} sequential round trips to a responder in another process (request file written, answered, Promise resolved) vs loopback HTTP with keep-alive to another process, and vs the floor of any file-based round trip (two files published by temp + link, fs.watch on each side)`,
    metrics: {
      p50: { unit: 'ms', better: 'lower' },
      p99: { unit: 'ms', better: 'lower' },
    },
    ours: 'fipc',
    subjects: { fipc: fipcRoundTrip, 'http-loopback': httpRoundTrip, 'file-pair floor': filePairRoundTrip },
    rounds: 3,
    goals: [
      { metric: 'p50', max: 1 },
      { metric: 'p99', max: 5 },
      { metric: 'p50', against: 'http-loopback', max: 3 },
      { metric: 'p99', against: 'http-loopback', max: 3 },
      // What fipc adds to the two files any such round trip writes (claim, lease, validation, retention).
      { metric: 'p50', against: 'file-pair floor', max: 1.5 },
    ],
  }),
  defineBench({
    name: 'requests.serve-backlog',
    description:
      'one responder serving 1,000 and 10,000 pending requests in one directory; growth = per-request time at 10,000 / at 1,000 (1 = linear)',
    metrics: {
      serve1k: { unit: 'ms', better: 'lower' },
      serve10k: { unit: 'ms', better: 'lower' },
      growth: { unit: 'x', better: 'lower' },
    },
    ours: 'fipc',
    subjects: {
      fipc: async () => {
        await serveBacklog(300); // warm-up, so that 1,000 is not charged for compiling the code
        const serve1k = await serveBacklog(1000);
        const serve10k = await serveBacklog(10_000);
        return { serve1k, serve10k, growth: serve10k / 10 / serve1k };
      },
    },
    rounds: 3,
    goals: [{ metric: 'growth', max: 1.5 }],
  }),
  defineBench({
    name: 'requests.held-claims',
    description: `syscalls per second of an idle responder (default options) while another live responder holds 1,000 and 10,000 requests of the directory, counted with strace -c for ${COUNT_MS / 1000} s after ${SETTLE_MS / 1000} s to settle, all of them and those touching files; growth = at 10,000 / at 1,000 (1 = flat)`,
    metrics: {
      fileHeld1k: { unit: 'file syscalls/s', better: 'lower' },
      fileHeld10k: { unit: 'file syscalls/s', better: 'lower' },
      fileGrowth: { unit: 'x', better: 'lower' },
      held1k: { unit: 'syscalls/s', better: 'lower' },
      held10k: { unit: 'syscalls/s', better: 'lower' },
      growth: { unit: 'x', better: 'lower' },
    },
    ours: 'fipc',
    subjects: {
      fipc: async () => {
        if (!hasStrace()) throw new Error('requests.held-claims counts syscalls with strace: install it');
        const at1k = await idleResponderSyscalls(1000);
        const at10k = await idleResponderSyscalls(10_000);
        return {
          fileHeld1k: at1k.file,
          fileHeld10k: at10k.file,
          fileGrowth: at10k.file / at1k.file,
          held1k: at1k.all,
          held10k: at10k.all,
          growth: at10k.all / at1k.all,
        };
      },
    },
    rounds: 1,
    // Every syscall counts in held*, V8's memory housekeeping too (more of it for a larger heap); file* counts
    // the filesystem calls (stat, open, link, listing...), the work a held request could cost.
    goals: [
      { metric: 'fileGrowth', max: 1.5 },
      { metric: 'growth', max: 2 },
      { metric: 'held10k', max: 100 },
    ],
  }),
];
