import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Skip, StandardSchemaV1 } from '@fipc/core';
import {
  awaitResponse,
  cancelRequest,
  listRequests,
  type RequestError,
  request,
  respond,
  serveRequests,
  sweepRequests,
} from '@fipc/requests';
import { smallTmpfs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { files, fillDisk, rejection, sleep } from './helpers.js';

describe('request and respond', () => {
  it('writes the original request file (pretty, 0600 in a 0700 directory) and resolves with the answer', async () => {
    const dir = tempDir();
    const schema = z.object({ approved: z.boolean(), comment: z.string().optional() });
    const answer = request(
      dir,
      'ask',
      { question: 'deploy?' },
      { id: 'approve-1', schema, timeoutMs: 60_000 },
    );
    const path = join(dir, 'input-requests', 'approve-1.json');
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('\n  "request_id": "approve-1",\n');
    const record = JSON.parse(text);
    expect(Object.keys(record).slice(0, 4)).toEqual(['request_id', 'schema', 'requested_at', 'response']);
    expect(record).toMatchObject({
      request_id: 'approve-1',
      response: null,
      payload: { question: 'deploy?' },
      requester: { pid: process.pid },
      schema: {
        type: 'object',
        properties: { approved: { type: 'boolean' }, comment: { type: 'string' } },
        required: ['approved'],
      },
    });
    expect(new Date(record.requested_at).toISOString()).toBe(record.requested_at);
    expect(Date.parse(record.expires_at) - Date.parse(record.requested_at)).toBe(60_000);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'input-requests')).mode & 0o777).toBe(0o700);
    await respond(dir, 'approve-1', { approved: true });
    await expect(answer).resolves.toEqual({ approved: true });
    expect(files(dir)).toEqual(['approve-1.json', 'approve-1.response']);
    const response = JSON.parse(readFileSync(join(dir, 'input-requests', 'approve-1.response'), 'utf8'));
    expect(response).toMatchObject({
      request_id: 'approve-1',
      status: 'answered',
      payload: { approved: true },
    });
    expect(statSync(join(dir, 'input-requests', 'approve-1.response')).mode & 0o777).toBe(0o600);
  });

  it('generates ids, and accepts the requests directory itself as dir', async () => {
    const dir = join(tempDir(), 'input-requests');
    const answer = request(dir, 'ask', 'q');
    const name = await waitFor(() => readdirSync(dir).find((n) => n.endsWith('.json')));
    const id = name!.replace(/\.json$/, '');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.id).toBe(id);
    await respond(dir, id, 42);
    await expect(answer).resolves.toBe(42);
  });

  it('first answer wins; a second gets ALREADY_ANSWERED; unknown, cancelled, expired are typed', async () => {
    const dir = tempDir();
    const answer = request(dir, 'ask', {}, { id: 'r' });
    await respond(dir, 'r', 'first');
    expect((await rejection(respond(dir, 'r', 'second'))).code).toBe('ALREADY_ANSWERED');
    await expect(answer).resolves.toBe('first');
    expect((await rejection(respond(dir, 'nope', 1))).code).toBe('NOT_FOUND');

    const abort = new AbortController();
    const cancelled = request(dir, 'ask', {}, { id: 'c', signal: abort.signal });
    abort.abort(new Error('user closed the page'));
    const aborted = await rejection(cancelled);
    expect(aborted.code).toBe('ABORTED');
    expect((await rejection(respond(dir, 'c', 1))).code).toBe('REQUEST_CANCELLED');
    expect(JSON.parse(readFileSync(join(dir, 'input-requests', 'c.response'), 'utf8'))).toMatchObject({
      status: 'cancelled',
      reason: 'user closed the page',
    });

    const expiring = request(dir, 'ask', {}, { id: 'e', timeoutMs: 50 });
    expect((await rejection(expiring)).code).toBe('TIMEOUT');
    expect((await rejection(respond(dir, 'e', 1))).code).toBe('REQUEST_EXPIRED');
  });

  it('is woken by the directory watch, not by the safety poll', async () => {
    const dir = tempDir();
    const pollMs = 3_600_000; // a poll this slow would time the test out: only the fs.watch hint can deliver
    const stop = new AbortController();
    const served = serveRequests(dir, (n) => (n as number) * 2, { signal: stop.signal, pollMs });
    for (let i = 0; i < 20; i++) await expect(request(dir, 'ask', i, { pollMs })).resolves.toBe(i * 2);
    stop.abort();
    expect(await served).toEqual({ answered: 20, failed: 0 });
    const answer = request(dir, 'ask', 'by hand', { id: 'hand', pollMs });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await respond(dir, 'hand', 'ok');
    await expect(answer).resolves.toBe('ok');
  });

  it('racing answers from many callers: exactly one wins', async () => {
    const dir = tempDir();
    const answer = request(dir, 'ask', {}, { id: 'race' });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => respond(dir, 'race', i)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as RequestError).code] : []));
    expect(new Set(codes)).toEqual(new Set(['ALREADY_ANSWERED']));
    expect(typeof (await answer)).toBe('number');
  });

  it('rejects with SCHEMA_MISMATCH, and cancellation by another process with REQUEST_CANCELLED', async () => {
    const dir = tempDir();
    const answer = request(dir, 'ask', {}, { id: 's', schema: z.object({ approved: z.boolean() }) });
    await respond(dir, 's', { approved: 'yes' });
    const mismatch = await rejection(answer);
    expect(mismatch.code).toBe('SCHEMA_MISMATCH');
    expect(mismatch.message).toMatch(/approved/);

    const other = request(dir, 'ask', {}, { id: 'x' });
    await cancelRequest(dir, 'x', { reason: 'dismissed' });
    const cancelled = await rejection(other);
    expect(cancelled.code).toBe('REQUEST_CANCELLED');
    expect(cancelled.message).toMatch(/dismissed/);
  });

  it('refuses hostile ids with INVALID_ID and creates no file anywhere', async () => {
    const root = tempDir();
    const dir = join(root, 'run');
    mkdirSync(dir);
    const hostile = ['../x', 'a/b', '.h', 'x:y', 'a\0b', 'x'.repeat(300), '', '..', 'a\\b', 'é', ' x'];
    for (const id of hostile) {
      expect((await rejection(request(dir, 'ask', 1, { id }))).code).toBe('INVALID_ID');
      expect((await rejection(respond(dir, id, 1))).code).toBe('INVALID_ID');
      expect((await rejection(awaitResponse(dir, id))).code).toBe('INVALID_ID');
      expect((await rejection(cancelRequest(dir, id))).code).toBe('INVALID_ID');
    }
    expect(readdirSync(root)).toEqual(['run']);
    expect(readdirSync(dir)).toEqual([]);
    // 128 characters is the limit, and dots inside are fine
    const ok = request(dir, 'ask', 1, { id: `a.b-${'c'.repeat(124)}` });
    await respond(dir, `a.b-${'c'.repeat(124)}`, 2);
    await expect(ok).resolves.toBe(2);
  });

  it('refuses unsafe directories with UNSAFE_DIRECTORY', async () => {
    const root = tempDir();
    const open = join(root, 'open');
    mkdirSync(join(open, 'input-requests'), { recursive: true });
    chmodSync(join(open, 'input-requests'), 0o777);
    const error = await rejection(request(open, 'ask', 1));
    expect(error.code).toBe('UNSAFE_DIRECTORY');
    expect(error.message).toMatch(/writable by group or others/);
    expect(readdirSync(join(open, 'input-requests'))).toEqual([]); // not even the private subdirectory

    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    mkdirSync(join(root, 'linked'));
    symlinkSync(elsewhere, join(root, 'linked', 'input-requests'));
    expect((await rejection(request(join(root, 'linked'), 'ask', 1))).code).toBe('UNSAFE_DIRECTORY');
    expect((await rejection(listRequests(join(root, 'linked')))).code).toBe('UNSAFE_DIRECTORY');
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)(
    'refuses a directory owned by another user (needs root to chown)',
    async () => {
      const dir = tempDir();
      mkdirSync(join(dir, 'input-requests'), { mode: 0o700 });
      chownSync(join(dir, 'input-requests'), 12345, 12345);
      const error = await rejection(serveRequests(dir, () => 1));
      expect(error.code).toBe('UNSAFE_DIRECTORY');
      expect(error.message).toMatch(/owned by uid 12345/);
    },
  );

  it('never follows a symlink planted at a request or response path', async () => {
    const root = tempDir();
    const dir = join(root, 'run');
    const outside = join(root, 'outside.txt');
    writeFileSync(outside, 'precious');
    mkdirSync(join(dir, 'input-requests'), { recursive: true, mode: 0o700 });
    symlinkSync(outside, join(dir, 'input-requests', 'planted.json'));
    // A request over the planted link: the link is an existing entry with another content, never written through.
    const error = await rejection(request(dir, 'ask', { a: 1 }, { id: 'planted' }));
    expect(error.code).toBe('NOT_A_FILE');
    expect((await rejection(respond(dir, 'planted', 1))).code).toBe('NOT_A_FILE');

    // A link planted at the response path of a pending request: the requester rejects, nothing is written.
    const waiting = request(dir, 'ask', {}, { id: 'victim' });
    symlinkSync(outside, join(dir, 'input-requests', 'victim.response'));
    expect((await rejection(waiting)).code).toBe('NOT_A_FILE');
    expect((await rejection(respond(dir, 'victim', 'x'))).code).toBe('ALREADY_ANSWERED');
    expect(readFileSync(outside, 'utf8')).toBe('precious');
    expect(readdirSync(root).sort()).toEqual(['outside.txt', 'run']);
  });

  it('turns malformed and oversized response files into typed rejections', async () => {
    const dir = tempDir();
    const box = join(dir, 'input-requests');
    const cases: Array<[string, string | Buffer, string]> = [
      ['bad-json', '{"status": "answ', 'MALFORMED_RESPONSE'],
      ['not-object', '[1,2]', 'MALFORMED_RESPONSE'],
      ['no-status', '{"payload": 1}', 'MALFORMED_RESPONSE'],
      ['both', '{"status":"answered","payload":1,"error":{"message":"x"}}', 'MALFORMED_RESPONSE'],
      ['other-id', '{"status":"answered","payload":1,"request_id":"someone-else"}', 'MALFORMED_RESPONSE'],
      ['binary', Buffer.from([0, 159, 146, 150, 0]), 'MALFORMED_RESPONSE'],
      ['huge', `{"status":"answered","payload":"${'x'.repeat(3000)}"}`, 'TOO_LARGE'],
    ];
    const waits = cases.map(([id]) => request(dir, 'ask', {}, { id, maxBytes: 2048, pollMs: 100 }));
    const old = new Date(Date.now() - 10_000);
    for (const [id, content] of cases) {
      writeFileSync(join(box, `.hand-${id}`), content);
      utimesSync(join(box, `.hand-${id}`), old, old); // past the grace for writers still writing
      renameSync(join(box, `.hand-${id}`), join(box, `${id}.response`));
    }
    const codes = await Promise.all(waits.map(async (wait) => (await rejection(wait)).code));
    expect(codes).toEqual(cases.map(([, , code]) => code));
  });

  it('waits out a response written non-atomically (empty first, then complete)', async () => {
    const dir = tempDir();
    const answer = request(dir, 'ask', {}, { id: 'slow-writer' });
    const path = join(dir, 'input-requests', 'slow-writer.response');
    writeFileSync(path, '');
    await new Promise((resolve) => setTimeout(resolve, 50));
    writeFileSync(path, '{"status":"answered","payload":"late but whole"}');
    await expect(answer).resolves.toBe('late but whole');
  });

  it('accepts a response written by hand by a Python program (temp file + rename)', async ({ skip }) => {
    let python = 'python3';
    try {
      execFileSync(python, ['--version']);
    } catch {
      console.log('python3 not found: the by-hand check runs in Node instead');
      python = '';
    }
    const dir = tempDir();
    const answer = request(
      dir,
      'ask',
      { question: 'ship it?' },
      { id: 'py-1', schema: z.object({ ok: z.boolean() }) },
    );
    const script = `
import glob, json, os, sys
box = os.path.join(sys.argv[1], "input-requests")
# as the original's tools do: every *.json there is a request
for path in glob.glob(os.path.join(box, "*.json")):
    req = json.load(open(path))
    tmp = os.path.join(box, ".py-" + req["request_id"] + ".tmp")
    with open(tmp, "w") as fh:
        json.dump({"request_id": req["request_id"], "status": "answered", "payload": {"ok": True}}, fh)
    os.rename(tmp, os.path.join(box, req["request_id"] + ".response"))
    print(req["request_id"], req["payload"]["question"])
`;
    if (!python) skip();
    const out = execFileSync(python, ['-c', script, dir], { encoding: 'utf8' });
    expect(out.trim()).toBe('py-1 ship it?');
    await expect(answer).resolves.toEqual({ ok: true });
  });

  it('resumes an earlier request by id: request with the same id and payload, or awaitResponse', async () => {
    const dir = tempDir();
    const first = request(dir, 'ask', { n: 1 }, { id: 'again' });
    const second = request(dir, 'ask', { n: 1 }, { id: 'again' });
    const third = awaitResponse(dir, 'again');
    expect((await rejection(request(dir, 'ask', { n: 2 }, { id: 'again' }))).code).toBe('ID_IN_USE');
    await respond(dir, 'again', 'yes');
    expect(await Promise.all([first, second, third])).toEqual(['yes', 'yes', 'yes']);
    // long after: the stored answer is delivered at once
    await expect(awaitResponse(dir, 'again')).resolves.toBe('yes');
    await expect(request(dir, 'ask', { n: 1 }, { id: 'again' })).resolves.toBe('yes');
    expect((await rejection(awaitResponse(dir, 'never-made'))).code).toBe('NOT_FOUND');
  });

  it('rejects unserialisable payloads and answers (SCHEMA_MISMATCH) and large ones (TOO_LARGE), writing nothing', async () => {
    const dir = tempDir();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect((await rejection(request(dir, 'ask', cycle, { id: 'c' }))).code).toBe('SCHEMA_MISMATCH');
    expect((await rejection(request(dir, 'ask', { n: 1n }, { id: 'b' }))).code).toBe('SCHEMA_MISMATCH');
    expect((await rejection(request(dir, 'ask', { n: Number.NaN }, { id: 'n' }))).code).toBe(
      'SCHEMA_MISMATCH',
    );
    expect((await rejection(request(dir, 'ask', 'x'.repeat(5000), { id: 'big', maxBytes: 1000 }))).code).toBe(
      'TOO_LARGE',
    );
    expect(existsSync(join(dir, 'input-requests', 'c.json'))).toBe(false);
    expect(readdirSync(join(dir, 'input-requests'))).toEqual(['.tmp']);
    const pending = request(dir, 'ask', 1, { id: 'ok', timeoutMs: 30_000 });
    expect((await rejection(respond(dir, 'ok', cycle))).code).toBe('SCHEMA_MISMATCH');
    await respond(dir, 'ok', 'fine');
    await expect(pending).resolves.toBe('fine');
  });
});

describe('schemas, options and malformed bytes', () => {
  it('writes the JSON Schema of the answers a Standard Schema accepts (its input side), {} without one', async () => {
    const dir = tempDir();
    const box = join(dir, 'input-requests');
    // zod 4 implements StandardJSONSchemaV1; a defaulted field may be left out by the responder
    const Approval = z.object({ approved: z.boolean(), comment: z.string().default('none') });
    const approval = request(dir, 'ask', 'deploy?', { id: 'zod', schema: Approval });
    const written = JSON.parse(readFileSync(join(box, 'zod.json'), 'utf8')).schema;
    expect(written).toMatchObject({ type: 'object', required: ['approved'] });
    expect(written.$schema).toMatch(/2020-12/);
    await respond(dir, 'zod', { approved: true });
    await expect(approval).resolves.toEqual({ approved: true, comment: 'none' }); // the schema's output

    // A hand-written Standard Schema, no zod involved: validated, its output returned, no JSON Schema to write
    const Doubled: StandardSchemaV1<number, number> = {
      '~standard': {
        version: 1,
        vendor: 'hand-written',
        validate: (value) =>
          typeof value === 'number' ? { value: value * 2 } : { issues: [{ message: 'not a number' }] },
      },
    };
    const doubled = request(dir, 'ask', 'n?', { id: 'hand', schema: Doubled });
    expect(JSON.parse(readFileSync(join(box, 'hand.json'), 'utf8')).schema).toEqual({});
    await respond(dir, 'hand', 21);
    const answer: number = await doubled;
    expect(answer).toBe(42);
    const wrong = request(dir, 'ask', 'n?', { id: 'wrong', schema: Doubled });
    await respond(dir, 'wrong', 'x');
    expect((await rejection(wrong)).message).toMatch(/not a number/);

    // A schema whose JSON Schema cannot be made (zod throws for z.date()) still validates; {} is written
    const Dated = z.object({ at: z.date() });
    const dated = request(dir, 'ask', 'when?', { id: 'dated', schema: Dated, timeoutMs: 60_000 });
    expect(JSON.parse(readFileSync(join(box, 'dated.json'), 'utf8')).schema).toEqual({});
    await cancelRequest(dir, 'dated');
    expect((await rejection(dated)).code).toBe('REQUEST_CANCELLED');
  });

  it('refuses bad pollMs, timeoutMs, maxBytes and durability with INVALID_OPTIONS, writing nothing', async () => {
    const dir = tempDir();
    const bad = [{ pollMs: 0 }, { pollMs: Number.NaN }, { maxBytes: 0 }, { durability: 'always' as 'fsync' }];
    for (const options of bad) {
      expect((await rejection(request(dir, 'ask', 1, options))).code).toBe('INVALID_OPTIONS');
      expect((await rejection(serveRequests(dir, () => 1, options))).code).toBe('INVALID_OPTIONS');
    }
    for (const timeoutMs of [-1, 0, Number.POSITIVE_INFINITY]) {
      expect((await rejection(request(dir, 'ask', 1, { timeoutMs }))).code).toBe('INVALID_OPTIONS');
    }
    expect((await rejection(serveRequests(dir, () => 1, { leaseMs: 0 }))).code).toBe('INVALID_OPTIONS');
    expect((await rejection(respond(dir, 'x', 1, { durability: 'yes' as 'fsync' }))).code).toBe(
      'INVALID_OPTIONS',
    );
    expect((await rejection(sweepRequests(dir, { staleTempMs: -5 }))).code).toBe('INVALID_OPTIONS');
    expect(existsSync(join(dir, 'input-requests'))).toBe(false);
    // fsync on the way works as the default does
    const durable = request(dir, 'ask', 1, { id: 'durable', durability: 'fsync' });
    await respond(dir, 'durable', 2, { durability: 'fsync' });
    await expect(durable).resolves.toBe(2);
  });

  it('rejects a response that is not UTF-8 with MALFORMED_RESPONSE instead of decoding it lossily', async () => {
    const dir = tempDir();
    const box = join(dir, 'input-requests');
    const answer = request(dir, 'ask', {}, { id: 'latin1' });
    // "café" in Latin-1: JSON around one byte (0xE9) that is not UTF-8 there
    const bytes = Buffer.concat([
      Buffer.from('{"status":"answered","payload":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}\n'),
    ]);
    writeFileSync(join(box, '.hand'), bytes);
    const old = new Date(Date.now() - 10_000);
    utimesSync(join(box, '.hand'), old, old); // past the grace for writers still writing
    renameSync(join(box, '.hand'), join(box, 'latin1.response'));
    const error = await rejection(answer);
    expect(error.code).toBe('MALFORMED_RESPONSE');
    expect(error.message).toMatch(/UTF-8/);
    expect(error.path).toBe(join(box, 'latin1.response'));
    // a listing leaves the response out and says why
    const skipped: Skip[] = [];
    const [listed] = await listRequests(dir, { onSkip: (skip) => skipped.push(skip) });
    expect(listed).toMatchObject({ id: 'latin1', status: 'answered', response: undefined });
    expect(skipped).toMatchObject([
      { path: join(box, 'latin1.response'), reason: expect.stringMatching(/UTF-8/) },
    ]);
  });

  it("polls each waiter at its own pollMs, even after another waiter's slower one", async () => {
    const dir = tempDir();
    const box = join(dir, 'input-requests');
    const abort = new AbortController();
    const slow = request(dir, 'ask', {}, { id: 'slow', pollMs: 3_600_000, signal: abort.signal });
    const fast = request(dir, 'ask', {}, { id: 'fast', pollMs: 50 });
    // A hand-made writer that died half-way: its notifications come while the file is young enough to be
    // still in writing (the 500 ms grace), and none come after. Only a safety poll looks again, once the
    // grace is over, and finds it malformed: within 500 + 50 ms with fast's own poll, never with slow's.
    writeFileSync(join(box, 'fast.response'), '{"status": "answ');
    const outcome = await Promise.race([
      rejection(fast).then((error) => error.code),
      sleep(5_000).then(() => 'still waiting after 5 s'),
    ]);
    expect(outcome).toBe('MALFORMED_RESPONSE');
    abort.abort();
    expect((await rejection(slow)).code).toBe('ABORTED');
  });

  it('a full disk is DISK_FULL (a real tmpfs), and leaves no temp file behind', async ({ skip }) => {
    const mounted = smallTmpfs(256);
    if ('skip' in mounted) return skip(mounted.skip);
    const dir = mounted.dir;
    const pending = request(dir, 'ask', 'q', { id: 'pending', timeoutMs: 60_000 });
    fillDisk(join(dir, 'filler'));
    const full = await rejection(request(dir, 'ask', 'x'.repeat(8192), { id: 'more' }));
    expect(full.code).toBe('DISK_FULL');
    expect(full.requestId).toBe('more');
    expect((await rejection(respond(dir, 'pending', 'y'.repeat(8192)))).code).toBe('DISK_FULL');
    expect(files(dir)).toEqual(['pending.json']);
    rmSync(join(dir, 'filler'));
    await respond(dir, 'pending', 'now');
    await expect(pending).resolves.toBe('now');
  });
});
