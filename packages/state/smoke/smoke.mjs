// Run by `pnpm smoke` against the packed @fipc/state installed alone with npm (plus zod, which users bring).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cleanStaleTemps,
  openStateStore,
  readState,
  StateError,
  watchState,
  writeState,
  writeStateSync,
} from '@fipc/state';
import { z } from 'zod';

const dir = join(mkdtempSync(join(tmpdir(), 'fipc-state-smoke-')), 'run-1');
mkdirSync(dir);
const path = join(dir, 'state.json');
const Status = z.object({ status: z.enum(['starting', 'running', 'done']), percent: z.number() });

await assert.rejects(readState(path), (error) => error instanceof StateError && error.code === 'NOT_FOUND');

const controller = new AbortController();
const seen = [];
const skipped = [];
const watching = (async () => {
  const onSkip = (skip) => skipped.push(skip.cause.code);
  for await (const state of watchState(path, {
    schema: Status,
    signal: controller.signal,
    pollMs: 50,
    onSkip,
  })) {
    seen.push(state);
    if (state.status === 'done') controller.abort();
  }
})();

const written = await writeState(path, { status: 'starting', percent: 0 }, { durability: 'fsync' });
assert.equal(written.instance_id, 'run-1');
await assert.rejects(writeState(path, { status: 'running', percent: 'x' }, { schema: Status }), {
  code: 'SCHEMA_MISMATCH',
});

// Another process replaces the snapshot through the installed package.
execFileSync(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { writeState } from '@fipc/state';
     await writeState(${JSON.stringify(path)}, { status: 'running', percent: 10 }, { instanceId: 'child' });`,
  ],
  { stdio: 'inherit' },
);
assert.equal((await readState(path, { schema: Status })).percent, 10);

const store = openStateStore(path, { schema: Status, instanceId: 'run-1' });
let last;
for (let percent = 11; percent <= 100; percent++) last = store.update({ status: 'running', percent });
const landed = await last;
assert.equal(landed.version, landed.requested);
assert.ok(store.writes < 90, `90 updates took ${store.writes} writes`);
await store.update({ status: 'done' });
await store.close();
await assert.rejects(store.update({ percent: 1 }), { code: 'CLOSED' });
await watching;

const final = await readState(path, { schema: Status });
assert.deepEqual([final.status, final.percent], ['done', 100]);
assert.equal(seen.at(-1).status, 'done');
assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), final);

writeStateSync(path, { status: 'done', percent: 100, note: 'sync' });
// Writers write the schema's output: the default reaches the file.
const WithDefault = Status.extend({ retries: z.number().default(3) });
assert.equal(writeStateSync(path, { status: 'done', percent: 100 }, { schema: WithDefault }).retries, 3);
assert.equal(JSON.parse(readFileSync(path, 'utf8')).retries, 3);
const stale = join(dir, '.state-0123456789abcdef.tmp');
writeFileSync(stale, '{');
assert.deepEqual(cleanStaleTemps(path, { staleTempMs: 0 }), [stale]);
assert.deepEqual(readdirSync(dir), ['state.json']);
console.log(
  `@fipc/state: ${seen.length} snapshots watched, 90 updates in ${store.writes} write(s), 2 processes`,
);
