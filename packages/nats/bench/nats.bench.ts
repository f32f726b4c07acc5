import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineBench, msSince, percentile } from '@fipc/bench';
import { tailEvents } from '@fipc/events';
import { spawnTs } from '@fipc/test-utils';
import { connectNats, mirrorEvents, shipEvents } from '../src/index.js';
import { LATENCY_PLAN, recordLine, smoke, withServer } from './server.js';

const RECORDS = smoke ? 2_000 : 200_000;
// One record per message runs at a few thousand records/s: a quarter of the log gives its rate in ~20 s.
const UNBATCHED_RECORDS = RECORDS / 4;
const TOTAL_LATENCY_RECORDS = LATENCY_PLAN.warmup + LATENCY_PLAN.steady + LATENCY_PLAN.bursts * 50;
const now = () => performance.timeOrigin + performance.now();

/** Writes `records` records, then ships them with `maxBatchBytes` and (optionally) mirrors them: records/s. */
async function shipThroughput(maxBatchBytes: number, mirror: boolean, records = RECORDS) {
  return withServer(async (url, dir) => {
    const source = join(dir, 'near', 'events.jsonl');
    mkdirSync(join(dir, 'near'));
    let text = '';
    for (let n = 1; n <= records; n++) text += recordLine(n);
    writeFileSync(source, text);
    const size = statSync(source).size;
    const nc = await connectNats(url);
    const controller = new AbortController();
    const { signal } = controller;
    try {
      let shipped!: () => void;
      const allShipped = new Promise<void>((resolve) => (shipped = resolve));
      const start = process.hrtime.bigint();
      const shipping = shipEvents(source, {
        nc,
        instanceId: 'bench',
        signal,
        maxBatchBytes,
        onShipped: ({ nextOffset }) => nextOffset === size && shipped(),
      });
      await allShipped;
      const sample: Record<string, number> = { ship: records / (msSince(start) / 1000) };
      if (mirror) {
        let mirrored!: () => void;
        const allMirrored = new Promise<void>((resolve) => (mirrored = resolve));
        const mirrorStart = process.hrtime.bigint();
        const mirroring = mirrorEvents(join(dir, 'far', 'events.jsonl'), {
          nc,
          instanceId: 'bench',
          signal,
          onMirrored: ({ nextOffset }) => nextOffset === size && mirrored(),
        });
        await allMirrored;
        sample.mirror = records / (msSince(mirrorStart) / 1000);
        controller.abort();
        await mirroring;
      }
      controller.abort();
      await shipping;
      return sample;
    } finally {
      await nc.close();
    }
  });
}

/** Core NATS publishes of the same lines, flushed: the floor of any shipper. */
async function corePublish() {
  return withServer(async (url) => {
    const lines = Array.from({ length: RECORDS }, (_, n) => Buffer.from(recordLine(n + 1)));
    const nc = await connectNats(url);
    try {
      const start = process.hrtime.bigint();
      for (const line of lines) nc.publish('bench.core', line);
      await nc.flush();
      return { ship: RECORDS / (msSince(start) / 1000) };
    } finally {
      await nc.close();
    }
  });
}

interface Arrival {
  phase: string;
  latency: number;
}

/** Runs the latency writer against `follow` (which starts whatever must run first) and reports percentiles. */
async function latency(
  follow: (
    url: string,
    dir: string,
    arrived: (record: { phase: string; data: { t: number } }) => void,
  ) => Promise<() => Promise<unknown>>,
  writerUsesNats = false,
) {
  return withServer(async (url, dir) => {
    mkdirSync(join(dir, 'near'));
    const source = join(dir, 'near', 'events.jsonl');
    writeFileSync(source, '');
    const arrivals: Arrival[] = [];
    const stop = await follow(url, dir, (record) =>
      arrivals.push({ phase: record.phase, latency: now() - record.data.t }),
    );
    try {
      const writer = spawnTs(
        join(import.meta.dirname, 'latency-writer.ts'),
        writerUsesNats ? [source, url] : [source],
      );
      await writer.exited;
      const deadline = Date.now() + 3_000;
      while (arrivals.length < TOTAL_LATENCY_RECORDS && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
    } finally {
      await stop();
    }
    const of = (phase: string) => arrivals.filter((a) => a.phase === phase).map((a) => a.latency);
    return {
      p50_steady: percentile(of('steady'), 50),
      p99_steady: percentile(of('steady'), 99),
      p50_burst: percentile(of('burst'), 50),
      p99_burst: percentile(of('burst'), 99),
      missed: TOTAL_LATENCY_RECORDS - arrivals.length,
    };
  });
}

/** Follows `path` with tailEvents until stopped. */
function tail(path: string, arrived: (record: never) => void, signal: AbortSignal) {
  return (async () => {
    for await (const { record } of tailEvents(path, { signal })) arrived(record as never);
  })();
}

export default [
  defineBench({
    name: 'nats.ship',
    description: `ship throughput of a ${RECORDS}-record log already written (records/s): shipEvents batched (64 KiB messages), shipEvents with one record per message (a quarter of the log), core NATS publish of the same lines (the floor, no JetStream); and mirrorEvents rebuilding it`,
    metrics: {
      ship: { unit: 'records/s', better: 'higher' },
      mirror: { unit: 'records/s', better: 'higher' },
    },
    ours: 'fipc shipEvents',
    rounds: 3,
    subjects: {
      'fipc shipEvents': () => shipThroughput(64 * 1024, true),
      'one record per message': () => shipThroughput(1, false, UNBATCHED_RECORDS),
      'NATS core publish': () => corePublish(),
    },
    goals: [{ metric: 'ship', against: 'one record per message', min: 5 }],
  }),
  defineBench({
    name: 'nats.latency',
    description:
      'latency from an append on one host to the record in tailEvents on the far side (shipper in its own process, mirrorEvents + tailEvents in another; 200 records/s, then bursts of 50), against tailEvents of the log itself and one core NATS hop (the floor)',
    metrics: {
      p50_steady: { unit: 'ms', better: 'lower' },
      p99_steady: { unit: 'ms', better: 'lower' },
      p50_burst: { unit: 'ms', better: 'lower' },
      p99_burst: { unit: 'ms', better: 'lower' },
      missed: { unit: 'records', better: 'lower' },
    },
    ours: 'fipc ship + mirror + tail',
    rounds: 3,
    subjects: {
      'fipc ship + mirror + tail': () =>
        latency(async (url, dir, arrived) => {
          const source = join(dir, 'near', 'events.jsonl');
          const copy = join(dir, 'far', 'events.jsonl');
          const shipper = spawnTs(join(import.meta.dirname, 'ship-child.ts'), [url, source]);
          await shipper.waitForLine((line) => line === 'shipping');
          const nc = await connectNats(url);
          const controller = new AbortController();
          const mirroring = mirrorEvents(copy, { nc, instanceId: 'latency', signal: controller.signal });
          const tailing = tail(copy, arrived, controller.signal);
          return async () => {
            controller.abort();
            shipper.process.kill('SIGTERM');
            await Promise.all([mirroring, tailing, shipper.exited]);
            await nc.close();
          };
        }),
      'local tailEvents': () =>
        latency(async (_url, dir, arrived) => {
          const controller = new AbortController();
          const tailing = tail(join(dir, 'near', 'events.jsonl'), arrived, controller.signal);
          return async () => {
            controller.abort();
            await tailing;
          };
        }),
      'NATS core hop': () =>
        latency(async (url, _dir, arrived) => {
          const nc = await connectNats(url);
          const subscription = nc.subscribe('bench.floor', {
            callback: (_error, message) => arrived(message.json()),
          });
          await nc.flush();
          return async () => {
            subscription.unsubscribe();
            await nc.close();
          };
        }, true),
    },
    goals: [
      { metric: 'p99_steady', max: 20 },
      { metric: 'missed', max: 0 },
    ],
  }),
];
