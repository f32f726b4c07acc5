// Run by `pnpm smoke` against the packed @fipc/events installed alone with npm (no zod, no other @fipc package).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventLogError, openEventLog, readEvents, SCHEMA_VERSION, tailEvents } from '@fipc/events';

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
  assert.equal(error.code, 'INVALID_EVENT');
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
await assert.rejects(log.emit('progress', { data: { percent: 1 } }), { code: 'LOG_CLOSED' });

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
console.log(`@fipc/events: ${read.length} events written by 2 processes, followed and read back`);
