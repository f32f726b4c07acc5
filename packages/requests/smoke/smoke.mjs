// Run by `pnpm smoke` against the packed @fipc/requests installed alone with npm: no zod, no peers. The answer
// schema is a hand-written Standard Schema.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cancelRequest, listRequests, RequestError, request, respond } from '@fipc/requests';

const dir = join(mkdtempSync(join(tmpdir(), 'fipc-requests-smoke-')), 'run-1');
const Approval = {
  '~standard': {
    version: 1,
    vendor: 'smoke',
    validate: (value) =>
      typeof value?.approved === 'boolean'
        ? { value }
        : { issues: [{ message: 'expected { approved: boolean }' }] },
  },
};

// A responder in another process, through the installed package: answers two requests, then stops.
const responder = spawn(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { serveRequests } from '@fipc/requests';
     const stop = new AbortController();
     let handled = 0;
     const summary = await serveRequests(${JSON.stringify(dir)}, async (payload) => {
       if (++handled === 2) setTimeout(() => stop.abort(), 50);
       if (payload.question === 'fail') throw new Error('no idea');
       return { approved: payload.question.startsWith('yes') };
     }, { signal: stop.signal, pollMs: 100 });
     console.log(JSON.stringify(summary));`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let summary = '';
responder.stdout.on('data', (chunk) => {
  summary += chunk;
});
const exited = new Promise((resolve) => responder.on('close', resolve));

const answer = await request(
  dir,
  'approve',
  { question: 'yes, deploy?' },
  { schema: Approval, timeoutMs: 60_000 },
);
assert.deepEqual(answer, { approved: true });
await assert.rejects(request(dir, 'approve', { question: 'fail' }, { timeoutMs: 60_000 }), (error) => {
  assert.ok(error instanceof RequestError);
  assert.equal(error.code, 'RESPONDER_ERROR');
  return true;
});
assert.equal(await exited, 0);
assert.deepEqual(JSON.parse(summary), { answered: 1, failed: 1 });

// Answered and cancelled from this process by id, as a UI would.
const pending = request(dir, 'approve', { question: 'by hand?' }, { id: 'by-hand', schema: Approval });
assert.equal(pending.id, 'by-hand');
const cancelled = request(dir, 'approve', { question: 'dismissed?' }, { id: 'dismissed' });
const ids = async () => (await listRequests(dir, { status: 'pending' })).map((r) => r.id).sort();
while ((await ids()).length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
await respond(dir, 'by-hand', { approved: false });
await cancelRequest(dir, 'dismissed');
assert.deepEqual(await pending, { approved: false });
await assert.rejects(cancelled, { code: 'REQUEST_CANCELLED' });
await assert.rejects(respond(dir, 'by-hand', { approved: true }), { code: 'ALREADY_ANSWERED' });
await assert.rejects(request(dir, 'approve', {}, { timeoutMs: 50 }), { code: 'TIMEOUT' });
await assert.rejects(respond(dir, 'never-asked', 1), { code: 'NOT_FOUND' });

const all = await listRequests(dir);
assert.equal(all.length, 5);
console.log(
  `@fipc/requests: ${all.length} requests across 2 processes: ${all.map((r) => r.status).join(', ')}`,
);
