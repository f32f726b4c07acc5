// Run by `pnpm smoke` against the packed @fipc/events installed alone with npm (no zod, no other @fipc package).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  createEventBus,
  EventLogError,
  mirrorLog,
  openEventLog,
  readEvents,
  SCHEMA_VERSION,
  tailEvents,
} from '@fipc/events';

// A hand-written Standard Schema: the package must validate with any implementation, zod not required.
const percent = {
  '~standard': {
    version: 1,
    vendor: 'smoke',
    validate: (value) =>
      typeof value?.percent === 'number' && value.percent >= 0 && value.percent <= 100
        ? { value }
        : { issues: [{ message: 'percent must be a number from 0 to 100', path: ['percent'] }] },
  },
};

const path = join(mkdtempSync(join(tmpdir(), 'fipc-events-smoke-')), 'run-1', 'events.jsonl');
const log = openEventLog(path, {
  events: {
    progress: percent,
    completed: { '~standard': { ...percent['~standard'], validate: (value) => ({ value }) } },
  },
});
assert.equal(log.instanceId, 'run-1');

const stop = new AbortController();
const seen = [];
const follower = (async () => {
  for await (const { record } of tailEvents(path, { signal: stop.signal, pollMs: 50 })) {
    seen.push(record);
    if (record.event_type === 'completed') stop.abort();
  }
})();

const first = await log.emit('progress', { phase: 'build', data: { percent: 40 } });
assert.equal(first.offset, 0);
assert.equal(first.record.schema_version, SCHEMA_VERSION);

await assert.rejects(log.emit('progress', { data: { percent: 101 } }), (error) => {
  assert.ok(error instanceof EventLogError);
  assert.equal(error.code, 'SCHEMA_MISMATCH');
  return true;
});

// A second process appends to the same log through the installed package.
execFileSync(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { openEventLog } from '@fipc/events';
     const log = openEventLog(${JSON.stringify(path)}, { instanceId: 'child', durability: 'fsync' });
     await log.emit('progress', { data: { percent: 80 } });
     await log.close();`,
  ],
  { stdio: 'inherit' },
);
await log.emit('completed');
await follower;
await log.close();
await assert.rejects(log.emit('progress', { data: { percent: 1 } }), { code: 'CLOSED' });

const read = [];
for await (const { record } of readEvents(path)) read.push(record);
assert.deepEqual(
  read.map((r) => [r.instance_id, r.event_type, r.data.percent]),
  [
    ['run-1', 'progress', 40],
    ['child', 'progress', 80],
    ['run-1', 'completed', undefined],
  ],
);
assert.deepEqual(seen, read);
assert.equal(readFileSync(path, 'utf8').split('\n').length, 4);

// The protocol's fipc: types are reserved; a symlink at the log's path is refused, never followed.
const untyped = openEventLog(join(dirname(path), 'untyped.jsonl'));
await assert.rejects(untyped.emit('fipc:reset'), { name: 'EventLogError', code: 'INVALID_EVENT' });
await untyped.close();
const link = join(dirname(path), 'link.jsonl');
symlinkSync(path, link);
assert.throws(() => openEventLog(link), { name: 'EventLogError', code: 'NOT_A_FILE' });

// The mirror copies the log whole; the bus fans records out in process.
const copy = join(dirname(path), 'copy', 'events.jsonl');
const mirror = new AbortController();
const mirroring = mirrorLog(path, copy, { signal: mirror.signal, pollMs: 20 });
const size = (file) => (existsSync(file) ? statSync(file).size : 0);
for (let i = 0; i < 200 && size(copy) < size(path); i++)
  await new Promise((resolve) => setTimeout(resolve, 25));
mirror.abort();
await mirroring;
assert.deepEqual(readFileSync(copy), readFileSync(path));
const bus = createEventBus();
const sub = bus.subscribe('run-1');
for (const record of read) bus.publish(record.instance_id, record);
bus.complete('run-1');
const published = [];
for await (const record of sub) published.push(record.event_type);
assert.deepEqual(published, ['progress', 'completed']);

console.log(`@fipc/events: ${read.length} events written by 2 processes, followed, read back and mirrored`);
