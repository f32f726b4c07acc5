import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { openEventLog, readEvents } from '@fipc/events';
import {
  awaitResponse,
  cancelRequest,
  listRequests,
  RequestError,
  request,
  respond,
  serveRequests,
  sweepRequests,
} from '@fipc/requests';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// The entries of the requests directory; the private `.tmp` subdirectory must hold nothing left over.
const files = (dir: string) => {
  expect(readdirSync(join(dir, 'input-requests', '.tmp'))).toEqual([]);
  return readdirSync(join(dir, 'input-requests'))
    .filter((name) => name !== '.tmp')
    .sort();
};
const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RequestError);
    return error as RequestError;
  }
  throw new Error('expected a rejection');
};
const waitForFile = (path: string) => waitFor(() => existsSync(path), { what: path });

describe('request and respond', () => {
  it('writes the original request file (pretty, 0600 in a 0700 directory) and resolves with the answer', async () => {
    const dir = tempDir();
    const schema = z.object({ approved: z.boolean(), comment: z.string().optional() });
    const answer = request(dir, { question: 'deploy?' }, { id: 'approve-1', schema, timeoutMs: 60_000 });
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
    const answer = request(dir, 'q');
    const name = await waitFor(() => readdirSync(dir).find((n) => n.endsWith('.json')));
    const id = name!.replace(/\.json$/, '');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.id).toBe(id);
    await respond(dir, id, 42);
    await expect(answer).resolves.toBe(42);
  });

  it('first answer wins; a second gets ALREADY_ANSWERED; unknown, cancelled, expired are typed', async () => {
    const dir = tempDir();
    const answer = request(dir, {}, { id: 'r' });
    await respond(dir, 'r', 'first');
    expect((await rejection(respond(dir, 'r', 'second'))).code).toBe('ALREADY_ANSWERED');
    await expect(answer).resolves.toBe('first');
    expect((await rejection(respond(dir, 'nope', 1))).code).toBe('NOT_FOUND');

    const abort = new AbortController();
    const cancelled = request(dir, {}, { id: 'c', signal: abort.signal });
    abort.abort(new Error('user closed the page'));
    const aborted = await rejection(cancelled);
    expect(aborted.code).toBe('ABORTED');
    expect((await rejection(respond(dir, 'c', 1))).code).toBe('REQUEST_CANCELLED');
    expect(JSON.parse(readFileSync(join(dir, 'input-requests', 'c.response'), 'utf8'))).toMatchObject({
      status: 'cancelled',
      reason: 'user closed the page',
    });

    const expiring = request(dir, {}, { id: 'e', timeoutMs: 50 });
    expect((await rejection(expiring)).code).toBe('TIMEOUT');
    expect((await rejection(respond(dir, 'e', 1))).code).toBe('REQUEST_EXPIRED');
  });

  it('is woken by the directory watch, not by the safety poll', async () => {
    const dir = tempDir();
    const pollMs = 3_600_000; // a poll this slow would time the test out: only the fs.watch hint can deliver
    const stop = new AbortController();
    const served = serveRequests(dir, (n: number) => n * 2, { signal: stop.signal, pollMs });
    for (let i = 0; i < 20; i++) await expect(request(dir, i, { pollMs })).resolves.toBe(i * 2);
    stop.abort();
    expect(await served).toEqual({ answered: 20, failed: 0 });
    const answer = request(dir, 'by hand', { id: 'hand', pollMs });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await respond(dir, 'hand', 'ok');
    await expect(answer).resolves.toBe('ok');
  });

  it('racing answers from many callers: exactly one wins', async () => {
    const dir = tempDir();
    const answer = request(dir, {}, { id: 'race' });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => respond(dir, 'race', i)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as RequestError).code] : []));
    expect(new Set(codes)).toEqual(new Set(['ALREADY_ANSWERED']));
    expect(typeof (await answer)).toBe('number');
  });

  it('rejects with SCHEMA_MISMATCH, and cancellation by another process with REQUEST_CANCELLED', async () => {
    const dir = tempDir();
    const answer = request(dir, {}, { id: 's', schema: z.object({ approved: z.boolean() }) });
    await respond(dir, 's', { approved: 'yes' });
    const mismatch = await rejection(answer);
    expect(mismatch.code).toBe('SCHEMA_MISMATCH');
    expect(mismatch.message).toMatch(/approved/);

    const other = request(dir, {}, { id: 'x' });
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
      expect((await rejection(request(dir, 1, { id }))).code).toBe('INVALID_ID');
      expect((await rejection(respond(dir, id, 1))).code).toBe('INVALID_ID');
      expect((await rejection(awaitResponse(dir, id))).code).toBe('INVALID_ID');
      expect((await rejection(cancelRequest(dir, id))).code).toBe('INVALID_ID');
    }
    expect(readdirSync(root)).toEqual(['run']);
    expect(readdirSync(dir)).toEqual([]);
    // 128 characters is the limit, and dots inside are fine
    const ok = request(dir, 1, { id: `a.b-${'c'.repeat(124)}` });
    await respond(dir, `a.b-${'c'.repeat(124)}`, 2);
    await expect(ok).resolves.toBe(2);
  });

  it('refuses unsafe directories with UNSAFE_DIRECTORY', async () => {
    const root = tempDir();
    const open = join(root, 'open');
    mkdirSync(join(open, 'input-requests'), { recursive: true });
    chmodSync(join(open, 'input-requests'), 0o777);
    const error = await rejection(request(open, 1));
    expect(error.code).toBe('UNSAFE_DIRECTORY');
    expect(error.message).toMatch(/writable by group or others/);
    expect(readdirSync(join(open, 'input-requests'))).toEqual([]); // not even the private subdirectory

    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    mkdirSync(join(root, 'linked'));
    symlinkSync(elsewhere, join(root, 'linked', 'input-requests'));
    expect((await rejection(request(join(root, 'linked'), 1))).code).toBe('UNSAFE_DIRECTORY');
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
    const error = await rejection(request(dir, { a: 1 }, { id: 'planted' }));
    expect(error.code).toBe('NOT_A_FILE');
    expect((await rejection(respond(dir, 'planted', 1))).code).toBe('NOT_A_FILE');

    // A link planted at the response path of a pending request: the requester rejects, nothing is written.
    const waiting = request(dir, {}, { id: 'victim' });
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
    const waits = cases.map(([id]) => request(dir, {}, { id, maxBytes: 2048, pollMs: 100 }));
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
    const answer = request(dir, {}, { id: 'slow-writer' });
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
    const first = request(dir, { n: 1 }, { id: 'again' });
    const second = request(dir, { n: 1 }, { id: 'again' });
    const third = awaitResponse(dir, 'again');
    expect((await rejection(request(dir, { n: 2 }, { id: 'again' }))).code).toBe('ID_IN_USE');
    await respond(dir, 'again', 'yes');
    expect(await Promise.all([first, second, third])).toEqual(['yes', 'yes', 'yes']);
    // long after: the stored answer is delivered at once
    await expect(awaitResponse(dir, 'again')).resolves.toBe('yes');
    await expect(request(dir, { n: 1 }, { id: 'again' })).resolves.toBe('yes');
    expect((await rejection(awaitResponse(dir, 'never-made'))).code).toBe('NOT_FOUND');
  });

  it('rejects unserialisable payloads and answers (SCHEMA_MISMATCH) and large ones (TOO_LARGE), writing nothing', async () => {
    const dir = tempDir();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect((await rejection(request(dir, cycle, { id: 'c' }))).code).toBe('SCHEMA_MISMATCH');
    expect((await rejection(request(dir, { n: 1n }, { id: 'b' }))).code).toBe('SCHEMA_MISMATCH');
    expect((await rejection(request(dir, { n: Number.NaN }, { id: 'n' }))).code).toBe('SCHEMA_MISMATCH');
    expect((await rejection(request(dir, 'x'.repeat(5000), { id: 'big', maxBytes: 1000 }))).code).toBe(
      'TOO_LARGE',
    );
    expect(existsSync(join(dir, 'input-requests', 'c.json'))).toBe(false);
    expect(readdirSync(join(dir, 'input-requests'))).toEqual(['.tmp']);
    const pending = request(dir, 1, { id: 'ok', timeoutMs: 30_000 });
    expect((await rejection(respond(dir, 'ok', cycle))).code).toBe('SCHEMA_MISMATCH');
    await respond(dir, 'ok', 'fine');
    await expect(pending).resolves.toBe('fine');
  });
});

describe('serveRequests', () => {
  it('answers, turns a throwing handler into RESPONDER_ERROR, and shows the cancel to the handler', async () => {
    const dir = tempDir();
    const stop = new AbortController();
    const seen: string[] = [];
    let cancelledSignal: AbortSignal | undefined;
    const served = serveRequests(
      dir,
      async (payload: { kind: string }, { id, signal }) => {
        seen.push(id);
        if (payload.kind === 'fail') throw Object.assign(new Error('no disk'), { code: 'ENOSPC' });
        if (payload.kind === 'hang') {
          cancelledSignal = signal;
          await new Promise((resolve) => signal.addEventListener('abort', resolve));
          return 'too late';
        }
        return { done: payload.kind };
      },
      { signal: stop.signal },
    );
    await expect(request(dir, { kind: 'ok' }, { id: 'ok' })).resolves.toEqual({ done: 'ok' });
    const failure = await rejection(request(dir, { kind: 'fail' }, { id: 'fail' }));
    expect(failure.code).toBe('RESPONDER_ERROR');
    expect(failure.responseError).toEqual({ message: 'no disk', name: 'Error', code: 'ENOSPC' });

    const abort = new AbortController();
    const hanging = request(dir, { kind: 'hang' }, { id: 'hang', signal: abort.signal });
    await waitFor(() => cancelledSignal);
    abort.abort();
    expect((await rejection(hanging)).code).toBe('ABORTED');
    await waitFor(() => cancelledSignal?.aborted, { what: 'the handler to see the cancel' });
    expect((cancelledSignal!.reason as RequestError).code).toBe('REQUEST_CANCELLED');

    stop.abort();
    expect(await served).toEqual({ answered: 1, failed: 1 });
    expect(seen.sort()).toEqual(['fail', 'hang', 'ok']);
    expect(files(dir).filter((n) => n.startsWith('.'))).toEqual([]); // heartbeat removed (files checks .tmp)
  });

  it('serves requests that were waiting before it started, and the original format without payload', async () => {
    const dir = tempDir();
    const waiting = [request(dir, 'a', { id: 'a' }), request(dir, 'b', { id: 'b' })];
    mkdirSync(join(dir, 'input-requests'), { recursive: true });
    // exactly what the Python original writes
    writeFileSync(
      join(dir, 'input-requests', 'orig.json'),
      JSON.stringify(
        { request_id: 'orig', schema: { type: 'object' }, requested_at: new Date().toISOString() },
        null,
        2,
      ),
    );
    const stop = new AbortController();
    const served = serveRequests(
      dir,
      (payload, { request: record }) => ({ payload, schema: record.schema }),
      {
        signal: stop.signal,
      },
    );
    expect(await Promise.all(waiting)).toEqual([
      { payload: 'a', schema: {} },
      { payload: 'b', schema: {} },
    ]);
    await waitForFile(join(dir, 'input-requests', 'orig.response'));
    const [orig] = await listRequests(dir, { status: 'answered' }).then((l) =>
      l.filter((r) => r.id === 'orig'),
    );
    expect(orig?.response).toMatchObject({ status: 'answered', payload: { schema: { type: 'object' } } });
    stop.abort();
    await served;
  });

  it('reports every status in listRequests', async () => {
    const dir = tempDir();
    const hold = new AbortController();
    const stop = new AbortController();
    const answered = request(dir, 1, { id: 'answered' });
    const cancel = new AbortController();
    const cancelled = request(dir, 1, { id: 'cancelled', signal: cancel.signal });
    cancel.abort();
    await rejection(cancelled);
    await rejection(request(dir, 1, { id: 'expired', timeoutMs: 20 }));
    await respond(dir, 'answered', 'x');
    await answered;
    const pending = request(dir, { hold: false }, { id: 'pending', signal: hold.signal });
    let release: () => void = () => {};
    const served = serveRequests(
      dir,
      (payload: { hold?: boolean }) =>
        payload.hold ? new Promise((resolve) => (release = () => resolve('r'))) : undefined,
      { signal: stop.signal, concurrency: 1 },
    );
    const claimed = request(dir, { hold: true }, { id: 'claimed' });
    // `pending` went to the responder first; wait for it to be answered, then `claimed` is held
    await expect(pending).resolves.toBeNull();
    await waitFor(async () => (await listRequests(dir, { status: 'claimed' })).length === 1);
    const all = await listRequests(dir);
    expect(Object.fromEntries(all.map((r) => [r.id, r.status]))).toEqual({
      answered: 'answered',
      cancelled: 'cancelled',
      expired: 'expired',
      pending: 'answered',
      claimed: 'claimed',
    });
    expect((await listRequests(dir, { status: ['cancelled', 'expired'] })).map((r) => r.id).sort()).toEqual([
      'cancelled',
      'expired',
    ]);
    release();
    await claimed;
    stop.abort();
    await served;
    const late = request(dir, 1, { id: 'late' });
    expect((await listRequests(dir, { status: 'pending' })).map((r) => r.id)).toEqual(['late']);
    await respond(dir, 'late', 0);
    await late;
  });

  it('emits input_requested, input_answered, input_cancelled and input_expired to a real event log', async () => {
    const dir = tempDir();
    const events = openEventLog(join(dir, 'events.jsonl'), { instanceId: 'run-1' });
    const answer = request(dir, { q: 1 }, { id: 'a', events });
    await respond(dir, 'a', 'ok');
    await answer;
    const abort = new AbortController();
    const cancelled = request(dir, {}, { id: 'c', events, signal: abort.signal });
    abort.abort();
    await rejection(cancelled);
    await rejection(request(dir, {}, { id: 'e', events, timeoutMs: 10 }));
    await events.close();
    const seen = [];
    for await (const { record } of readEvents(join(dir, 'events.jsonl')))
      seen.push([record.event_type, record.data.request_id]);
    expect(seen).toEqual([
      ['input_requested', 'a'],
      ['input_answered', 'a'],
      ['input_requested', 'c'],
      ['input_cancelled', 'c'],
      ['input_requested', 'e'],
      ['input_expired', 'e'],
    ]);
  });
});

describe('retention', () => {
  it('never removes a pair that this process is still waiting for', async () => {
    const dir = tempDir();
    const answer = request(dir, 1, { id: 'w' });
    await respond(dir, 'w', 'kept');
    // the requester has not read the answer yet: a sweep with retention 0 must leave it
    await sweepRequests(dir, { retentionMs: 0 });
    expect(files(dir)).toContain('w.response');
    await expect(answer).resolves.toBe('kept');
    await sweepRequests(dir, { retentionMs: 0 });
    expect(files(dir)).toEqual([]);
  });

  it('removes finished pairs after the retention period and keeps pending requests', async () => {
    const dir = tempDir();
    const box = join(dir, 'input-requests');
    const answered = request(dir, 1, { id: 'done' });
    await respond(dir, 'done', 1);
    await answered;
    await rejection(request(dir, 1, { id: 'timed-out', timeoutMs: 10 }));
    const pending = request(dir, 1, { id: 'pending' });
    const expiredUnanswered = join(box, 'stale.json');
    writeFileSync(
      expiredUnanswered,
      JSON.stringify({
        request_id: 'stale',
        schema: {},
        requested_at: '2020-01-01T00:00:00Z',
        expires_at: '2020-01-02T00:00:00Z',
      }),
    );
    utimesSync(expiredUnanswered, new Date('2020-01-01'), new Date('2020-01-01')); // as old as it says
    const old = new Date(Date.now() - 120_000);
    for (const crashed of ['.py-tmp-crashed', '.tmp/999-abc-1', '.tmp/responder-0123456789abcdef']) {
      writeFileSync(join(box, crashed), 'partial');
      utimesSync(join(box, crashed), old, old);
    }
    // stale.json, the crashed writers' temp files; the heartbeat is young enough for a live responder
    expect(await sweepRequests(dir, { retentionMs: 60_000 })).toBe(3);
    expect(readdirSync(join(box, '.tmp'))).toEqual(['responder-0123456789abcdef']);
    const older = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(join(box, '.tmp/responder-0123456789abcdef'), older, older);
    expect(await sweepRequests(dir, { retentionMs: 60_000 })).toBe(1);
    expect(files(dir)).toEqual([
      'done.json',
      'done.response',
      'pending.json',
      'timed-out.json',
      'timed-out.response',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await sweepRequests(dir, { retentionMs: 20 });
    expect(files(dir)).toEqual(['pending.json']);
    await respond(dir, 'pending', 2);
    await pending;
    await sweepRequests(dir, { retentionMs: 0 });
    expect(files(dir)).toEqual([]);
  });
});
