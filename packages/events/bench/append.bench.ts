import { appendFileSync, closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBench } from '@fipc/bench';
import { openEventLog } from '@fipc/events';

const RECORDS = 300_000;
const data = (i: number) => ({ percent: i % 100, step: 'compile', file: `src/module-${i % 1000}.ts` });

interface Subject {
  /** Appends records `from` to `to` - 1 the way a real caller would. */
  run(from: number, to: number): unknown;
  close(): unknown;
}

/** Appends RECORDS records to a fresh log after a warm-up and returns records/s. */
async function measure(open: (path: string) => Subject): Promise<{ throughput: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'fipc-bench-'));
  try {
    const subject = open(join(dir, 'events.jsonl'));
    await subject.run(0, 5_000);
    const start = process.hrtime.bigint();
    await subject.run(0, RECORDS);
    await subject.close();
    return { throughput: RECORDS / (Number(process.hrtime.bigint() - start) / 1e9) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The same record the library writes, serialised the same way: the floor pays for JSON and the clock too.
let seq = 0;
const record = (i: number, timestamp: string) =>
  `${JSON.stringify({ schema_version: 1, timestamp, instance_id: 'bench', event_type: 'progress', phase: 'build', data: data(i), seq: ++seq })}\n`;
const line = (i: number) => record(i, new Date().toISOString());
// The floor with the library's own trick: `toISOString` (about half of the floor's CPU) once per millisecond.
let lastMs = Number.NaN;
let lastIso = '';
const lineCachedClock = (i: number) => {
  const now = Date.now();
  if (now !== lastMs) {
    lastIso = new Date(now).toISOString();
    lastMs = now;
  }
  return record(i, lastIso);
};

export default [
  defineBench({
    name: 'events.append',
    description:
      'append throughput, default durability: log.emit in a hot loop (not awaited, as fire-and-forget logging does; and awaited each time) vs writeSync of the same record serialised on an fd opened once (the floor; and the floor with the timestamp string made once per millisecond, as emit does) vs appendFileSync per record (the original)',
    metrics: { throughput: { unit: 'records/s', better: 'higher' } },
    ours: 'fipc emit',
    rounds: 3,
    subjects: {
      'fipc emit': () =>
        measure((path) => {
          const log = openEventLog(path, { instanceId: 'bench' });
          return {
            // The write happens inside emit; a hot loop goes on and awaits the last promise.
            async run(from, to) {
              let last: Promise<unknown> | undefined;
              for (let i = from; i < to; i++) last = log.emit('progress', { phase: 'build', data: data(i) });
              await last;
            },
            close: () => log.close(),
          };
        }),
      'fipc await emit': () =>
        measure((path) => {
          const log = openEventLog(path, { instanceId: 'bench' });
          return {
            async run(from, to) {
              for (let i = from; i < to; i++) await log.emit('progress', { phase: 'build', data: data(i) });
            },
            close: () => log.close(),
          };
        }),
      'writeSync floor': () =>
        measure((path) => {
          const fd = openSync(path, 'a');
          return {
            run(from, to) {
              for (let i = from; i < to; i++) writeSync(fd, line(i));
            },
            close: () => closeSync(fd),
          };
        }),
      'writeSync floor, clock cached': () =>
        measure((path) => {
          const fd = openSync(path, 'a');
          return {
            run(from, to) {
              for (let i = from; i < to; i++) writeSync(fd, lineCachedClock(i));
            },
            close: () => closeSync(fd),
          };
        }),
      appendFileSync: () =>
        measure((path) => ({
          run(from, to) {
            for (let i = from; i < to; i++) appendFileSync(path, line(i));
          },
          close() {},
        })),
    },
    goals: [{ metric: 'throughput', against: 'writeSync floor', min: 0.85 }],
  }),
];
