// Run by `pnpm smoke` against the packed @fipc/instances installed alone with npm.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventLog } from '@fipc/events';
import { InstancesError, listInstances, removeInstances } from '@fipc/instances';
import { writeState } from '@fipc/state';

const root = mkdtempSync(join(tmpdir(), 'fipc-instances-smoke-'));
const dir = join(root, 'run-1');
mkdirSync(dir);
const log = openEventLog(join(dir, 'events.jsonl'));
await log.emit('completed');
await log.close();
await writeState(join(dir, 'state.json'), { status: 'completed' });
const [instance] = await listInstances(root);
assert.equal(instance.id, 'run-1');
assert.equal(instance.terminal, true);
assert.equal(instance.liveWriters, 0);
const old = new Date(Date.now() - 2 * 86_400_000);
for (const name of readdirSync(dir)) utimesSync(join(dir, name), old, old);
utimesSync(dir, old, old);
const { removed } = await removeInstances(root, { olderThanMs: 86_400_000 });
assert.deepEqual(
  removed.map((i) => i.id),
  ['run-1'],
);
assert.deepEqual(readdirSync(root), []);
await assert.rejects(listInstances(join(root, 'nope')), (error) => error instanceof InstancesError);
console.log('instances: list, remove ok');
