import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBench } from '@fipc/bench';
import { openEventLog } from '@fipc/events';

const SECONDS = 4;
const EMITTERS = 64;

async function inTempDir<T>(run: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'fipc-bench-'));
  try {
    return await run(join(dir, 'events.jsonl'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let seq = 0;
const line = (i: number) =>
  `${JSON.stringify({ schema_version: 1, timestamp: new Date().toISOString(), instance_id: 'bench', event_type: 'progress', phase: 'build', data: { i }, seq: ++seq })}\n`;

export default [
  defineBench({
    name: 'events.fsync',
    description: `durable appends (records/s): ${EMITTERS} concurrent emitters each awaiting log.emit with durability 'fsync' (group commit) vs writeSync + fdatasync after every record`,
    metrics: { throughput: { unit: 'records/s', better: 'higher' } },
    ours: 'fipc fsync x64',
    rounds: 3,
    subjects: {
      'fipc fsync x64': () =>
        inTempDir(async (path) => {
          const log = openEventLog(path, { instanceId: 'bench', durability: 'fsync' });
          const end = Date.now() + SECONDS * 1000;
          let count = 0;
          const start = process.hrtime.bigint();
          await Promise.all(
            Array.from({ length: EMITTERS }, async () => {
              while (Date.now() < end) {
                await log.emit('progress', { phase: 'build', data: { i: count } });
                count += 1;
              }
            }),
          );
          const seconds = Number(process.hrtime.bigint() - start) / 1e9;
          await log.close();
          return { throughput: count / seconds };
        }),
      'fdatasync each': () =>
        inTempDir(async (path) => {
          const fd = openSync(path, 'a');
          const end = Date.now() + SECONDS * 1000;
          let count = 0;
          const start = process.hrtime.bigint();
          while (Date.now() < end) {
            writeSync(fd, line(count));
            fdatasyncSync(fd);
            count += 1;
          }
          const seconds = Number(process.hrtime.bigint() - start) / 1e9;
          closeSync(fd);
          return { throughput: count / seconds };
        }),
    },
    goals: [{ metric: 'throughput', against: 'fdatasync each', min: 20 }],
  }),
];
