// Run by `pnpm smoke` against the packed @fipc/cli installed with npm (with the packed @fipc packages it uses):
// the `fipc` bin as npm links it, and the programmatic `runCli`.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, runCli } from '@fipc/cli';

const fipcBin = join(process.cwd(), 'node_modules/.bin/fipc');
const dir = join(mkdtempSync(join(tmpdir(), 'fipc-cli-smoke-')), 'run-1');
const fipc = (...args) => execFileSync(fipcBin, args, { encoding: 'utf8' });
const status = (...args) => {
  try {
    execFileSync(fipcBin, args, { stdio: 'ignore' });
    return 0;
  } catch (error) {
    return error.status;
  }
};

assert.equal(
  fipc('--version').trim(),
  JSON.parse(readFileSync('node_modules/@fipc/cli/package.json', 'utf8')).version,
);

fipc('emit', `${dir}/`, 'started', '--phase', 'plan');
fipc('emit', `${dir}/`, 'progress', '--data', '{"percent":40}');
const entries = fipc('tail', `${dir}/`, '--json').trim().split('\n').map(JSON.parse);
assert.equal(entries[0].offset, 0);
assert.equal(entries[1].offset, entries[0].nextOffset);
const records = entries.map((entry) => entry.record);
assert.deepEqual(
  records.map((r) => [r.instance_id, r.event_type, r.phase, r.data]),
  [
    ['run-1', 'started', 'plan', {}],
    ['run-1', 'progress', null, { percent: 40 }],
  ],
);

assert.equal(status('state', 'get', `${dir}/`), ExitCode.NOT_FOUND);
fipc('state', 'set', `${dir}/`, '{"status":"running","percent":40}');
const state = JSON.parse(fipc('state', 'get', `${dir}/`, '--compact'));
assert.deepEqual([state.instance_id, state.status, state.percent], ['run-1', 'running', 40]);

// One process asks and waits; another lists the pending request and answers it.
const asking = spawn(fipcBin, [
  'request',
  dir,
  '{"question":"Deploy?"}',
  '--id',
  'deploy-1',
  '--timeout',
  '60',
]);
let answer = '';
asking.stdout.on('data', (chunk) => {
  answer += chunk;
});
const asked = new Promise((resolve) => asking.on('close', resolve));
while (!fipc('pending', dir).includes('deploy-1')) await new Promise((resolve) => setTimeout(resolve, 50));
fipc('respond', dir, 'deploy-1', '{"approved":true}');
assert.equal(await asked, 0);
assert.deepEqual(JSON.parse(answer), { approved: true });
assert.equal(status('respond', dir, 'deploy-1', '{"approved":false}'), ExitCode.REJECTED);

// The same commands in-process.
const chunks = [];
const stdout = new (await import('node:stream')).Writable({
  write(chunk, _encoding, done) {
    chunks.push(chunk);
    done();
  },
});
assert.equal(await runCli(['tail', `${dir}/`, '--json', '--type', 'progress'], { stdout }), ExitCode.OK);
assert.equal(JSON.parse(Buffer.concat(chunks).toString()).record.data.percent, 40);
assert.equal(await runCli(['no-such-command'], { stdout, stderr: stdout }), ExitCode.USAGE);
console.log(`@fipc/cli: emit, tail, state get/set, request/pending/respond across processes, runCli`);
