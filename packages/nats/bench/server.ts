import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServer } from '@fipc/test-utils';

/** Tiny counts for a quick check that the benchmark runs: `FIPC_BENCH_SMOKE=1`. */
export const smoke = Boolean(process.env.FIPC_BENCH_SMOKE);

/** What latency-writer.ts writes: unmeasured warm-up records, steady ones at 200/s, bursts of 50. */
export const LATENCY_PLAN = smoke
  ? { warmup: 10, steady: 80, bursts: 2 }
  : { warmup: 100, steady: 800, bursts: 20 };

/** Runs `fn` with a fresh nats-server (JetStream, ephemeral port, temp store) and a temp directory. */
export async function withServer<T>(fn: (url: string, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'fipc-nats-bench-'));
  const server = new NatsServer(join(dir, 'server'));
  try {
    mkdirSync(server.dir);
    await server.start();
    return await fn(server.url, dir);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One protocol record line, about 180 bytes, newline included. */
export const recordLine = (n: number, data: object = {}) =>
  `${JSON.stringify({
    schema_version: 1,
    timestamp: new Date().toISOString(),
    instance_id: 'bench',
    event_type: 'progress',
    phase: 'build',
    data: { n, step: 'compile', percent: n % 100, ...data },
    seq: n,
  })}\n`;
