import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBench } from '@fipc/bench';
import { inotifyWatches, residentBytes } from '@fipc/bench/process-stats';
import { sseHandler } from '@fipc/sse';
import { spawnTs } from '@fipc/test-utils';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', `${name}.ts`);
const INSTANCES = 1000;
const SECONDS = 12;
const WARMUP_SECONDS = 2;

/**
 * One server following many instances, each its own directory and log (`runs/<id>/events.jsonl`), one SSE
 * stream each, one record per second each: what a stream costs the server (memory, inotify watches, CPU) and
 * the latency that is left at that scale.
 */
async function instances() {
  const base = mkdtempSync(join(tmpdir(), 'fipc-bench-'));
  const first = `${JSON.stringify({ schema_version: 1, timestamp: new Date().toISOString(), instance_id: 'bench', event_type: 'started', phase: null, data: {} })}\n`;
  for (let k = 0; k < INSTANCES; k++) {
    mkdirSync(join(base, `i${k}`));
    writeFileSync(join(base, `i${k}`, 'events.jsonl'), first);
  }
  const server = createServer(sseHandler((req) => join(base, req.url!.slice(1), 'events.jsonl')));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const rssBefore = residentBytes(process.pid);
  const watchesBefore = inotifyWatches(process.pid);
  const clients = spawnTs(fixture('instance-clients'), [url, String(INSTANCES)]);
  try {
    await clients.waitForLine((line) => line === 'ready', 120_000);
    const writer = spawnTs(fixture('instance-writer'), [
      base,
      ...[INSTANCES, SECONDS, WARMUP_SECONDS].map(String),
    ]);
    await new Promise((resolve) => setTimeout(resolve, WARMUP_SECONDS * 1000));
    const cpu = process.cpuUsage();
    const cpuStart = performance.now();
    await writer.waitForLine((line) => line === 'done', (SECONDS + 60) * 1000);
    const used = process.cpuUsage(cpu);
    const cpuPerSecond = (used.user + used.system) / 1000 / ((performance.now() - cpuStart) / 1000);
    const watches = inotifyWatches(process.pid) - watchesBefore;
    const memoryPerStream = (residentBytes(process.pid) - rssBefore) / INSTANCES / 1024;
    await new Promise((resolve) => setTimeout(resolve, 500)); // the last records reach the clients
    clients.process.stdin?.end();
    const { p50, p99, n } = JSON.parse(
      (await clients.waitForLine((line) => line.startsWith('result '))).slice('result '.length),
    );
    const expected = INSTANCES * (SECONDS - WARMUP_SECONDS);
    return {
      p50,
      p99,
      memoryPerStream,
      watchesPerStream: watches / INSTANCES,
      cpuPerSecond,
      missed: expected - n,
    };
  } finally {
    clients.process.kill();
    server.closeAllConnections();
    server.close();
    rmSync(base, { recursive: true, force: true });
  }
}

export default [
  defineBench({
    name: 'sse.instances',
    description: `one server following ${INSTANCES.toLocaleString('en')} instances: ${INSTANCES.toLocaleString('en')} SSE streams on ${INSTANCES.toLocaleString('en')} logs (one directory each), one record per second each, for ${SECONDS - WARMUP_SECONDS} s after a ${WARMUP_SECONDS} s warm-up`,
    metrics: {
      p50: { unit: 'ms', better: 'lower' },
      p99: { unit: 'ms', better: 'lower' },
      memoryPerStream: { unit: 'KiB of RSS per stream', better: 'lower' },
      watchesPerStream: { unit: 'inotify watches per stream', better: 'lower' },
      cpuPerSecond: { unit: 'server CPU ms per second', better: 'lower' },
      missed: { unit: 'records', better: 'lower' },
    },
    ours: 'fipc',
    rounds: 3,
    subjects: { fipc: instances },
    goals: [
      { metric: 'p99', max: 10 },
      { metric: 'watchesPerStream', max: 1 },
      { metric: 'memoryPerStream', max: 100 },
      { metric: 'missed', max: 0 },
    ],
  }),
];
