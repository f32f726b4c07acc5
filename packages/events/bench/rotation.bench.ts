import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBench } from '@fipc/bench';
import { type EventLogOptions, openEventLog } from '@fipc/events';

const RECORDS = 300_000;
// About 150 bytes a record: 300,000 of them rotate a 4 MiB log about ten times.
const MAX_BYTES = 4 * 1024 * 1024;
const data = (i: number) => ({ percent: i % 100, step: 'compile', file: `src/module-${i % 1000}.ts` });

/** Appends RECORDS records (fire-and-forget, as append.bench.ts does) after a warm-up and returns records/s. */
async function measure(options: EventLogOptions): Promise<{ throughput: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'fipc-bench-'));
  try {
    const log = openEventLog(join(dir, 'events.jsonl'), { instanceId: 'bench', ...options });
    const run = async (count: number) => {
      let last: Promise<unknown> | undefined;
      for (let i = 0; i < count; i++) last = log.emit('progress', { phase: 'build', data: data(i) });
      await last;
    };
    await run(5_000);
    const start = process.hrtime.bigint();
    await run(RECORDS);
    await log.close();
    return { throughput: RECORDS / (Number(process.hrtime.bigint() - start) / 1e9) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default [
  defineBench({
    name: 'events.append.rotation',
    description:
      'append throughput with rotation by size (4 MiB segments, about ten rotations in the run, maxSegments 3 so old ones are deleted too) vs the same writer without rotation: the size accounting and the rotations themselves must stay cheap',
    metrics: { throughput: { unit: 'records/s', better: 'higher' } },
    ours: 'fipc emit rotating',
    rounds: 3,
    subjects: {
      'fipc emit rotating': () => measure({ rotation: { maxBytes: MAX_BYTES, maxSegments: 3 } }),
      'fipc emit': () => measure({}),
    },
    goals: [{ metric: 'throughput', against: 'fipc emit', min: 0.9 }],
  }),
];
