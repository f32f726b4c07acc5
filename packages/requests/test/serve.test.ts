import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Skip } from '@fipc/core';
import { openEventLog, readEvents } from '@fipc/events';
import { listRequests, RequestError, request, respond, serveRequests } from '@fipc/requests';
import { smallTmpfs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';

import { files, fillDisk, rejection, sleep, waitForFile } from './helpers.js';

describe('serveRequests', () => {
  it('answers, turns a throwing handler into RESPONDER_ERROR, and shows the cancel to the handler', async () => {
    const dir = tempDir();
    const stop = new AbortController();
    const seen: string[] = [];
    let cancelledSignal: AbortSignal | undefined;
    const served = serveRequests(
      dir,
      async (given, { id, signal }) => {
        const payload = given as { kind: string };
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
    await expect(request(dir, 'ask', { kind: 'ok' }, { id: 'ok' })).resolves.toEqual({ done: 'ok' });
    const failure = await rejection(request(dir, 'ask', { kind: 'fail' }, { id: 'fail' }));
    expect(failure.code).toBe('RESPONDER_ERROR');
    expect(failure.responseError).toEqual({ message: 'no disk', name: 'Error', code: 'ENOSPC' });

    const abort = new AbortController();
    const hanging = request(dir, 'ask', { kind: 'hang' }, { id: 'hang', signal: abort.signal });
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
    const waiting = [request(dir, 'ask', 'a', { id: 'a' }), request(dir, 'ask', 'b', { id: 'b' })];
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
    const answered = request(dir, 'ask', 1, { id: 'answered' });
    const cancel = new AbortController();
    const cancelled = request(dir, 'ask', 1, { id: 'cancelled', signal: cancel.signal });
    cancel.abort();
    await rejection(cancelled);
    await rejection(request(dir, 'ask', 1, { id: 'expired', timeoutMs: 20 }));
    await respond(dir, 'answered', 'x');
    await answered;
    const pending = request(dir, 'ask', { hold: false }, { id: 'pending', signal: hold.signal });
    let release: () => void = () => {};
    const served = serveRequests(
      dir,
      (payload) =>
        (payload as { hold?: boolean }).hold
          ? new Promise((resolve) => (release = () => resolve('r')))
          : undefined,
      { signal: stop.signal, concurrency: 1 },
    );
    const claimed = request(dir, 'ask', { hold: true }, { id: 'claimed' });
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
    const late = request(dir, 'ask', 1, { id: 'late' });
    expect((await listRequests(dir, { status: 'pending' })).map((r) => r.id)).toEqual(['late']);
    await respond(dir, 'late', 0);
    await late;
  });

  it('emits input_requested, input_answered, input_cancelled and input_expired to a real event log', async () => {
    const dir = tempDir();
    const events = openEventLog(join(dir, 'events.jsonl'), { instanceId: 'run-1' });
    const answer = request(dir, 'ask', { q: 1 }, { id: 'a', events });
    await respond(dir, 'a', 'ok');
    await answer;
    const abort = new AbortController();
    const cancelled = request(dir, 'ask', {}, { id: 'c', events, signal: abort.signal });
    abort.abort();
    await rejection(cancelled);
    await rejection(request(dir, 'ask', {}, { id: 'e', events, timeoutMs: 10 }));
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

describe('serveRequests: bad input and failures', () => {
  it('never leaves a claim without a handler: a FIFO or symlink at a request path is skipped, answered with an error', async () => {
    const dir = tempDir();
    const box = join(dir, 'input-requests');
    mkdirSync(box, { recursive: true, mode: 0o700 });
    execFileSync('mkfifo', [join(box, 'fifo.json')]);
    // a valid request elsewhere: it must not be read through the link
    const outside = join(dir, 'outside.json');
    writeFileSync(
      outside,
      JSON.stringify({ request_id: 'link', schema: {}, requested_at: new Date().toISOString() }),
    );
    symlinkSync(outside, join(box, 'link.json'));
    writeFileSync(join(box, 'latin1.json'), Buffer.from([0x7b, 0xe9, 0x7d])); // "{é}" in Latin-1
    const skipped: Skip[] = [];
    const errors: RequestError[] = [];
    let handled = 0;
    const stop = new AbortController();
    const served = serveRequests(dir, () => ++handled, {
      signal: stop.signal,
      pollMs: 50,
      onSkip: (skip) => skipped.push(skip),
      onError: (error) => errors.push(error),
    });
    await waitFor(() => skipped.length + errors.length >= 2, { what: 'the bad requests to be seen' });
    await sleep(200); // a few more rescans: each bad request is dealt with once
    expect(readdirSync(box).filter((name) => name.includes('.lease-'))).toEqual([]);
    expect(errors).toEqual([]);
    expect(skipped.map((skip) => skip.path).sort()).toEqual(
      ['fifo.json', 'latin1.json', 'link.json'].map((name) => join(box, name)),
    );
    expect(skipped.find((skip) => skip.path?.endsWith('latin1.json'))?.reason).toMatch(/UTF-8/);
    for (const [id, code] of [
      ['fifo', 'NOT_A_FILE'],
      ['link', 'NOT_A_FILE'],
      ['latin1', 'MALFORMED_REQUEST'],
    ]) {
      const response = JSON.parse(readFileSync(join(box, `${id}.response`), 'utf8'));
      expect(response).toMatchObject({ status: 'answered', error: { name: 'RequestError', code } });
    }
    stop.abort();
    expect(await served).toEqual({ answered: 0, failed: 0 });
    expect(handled).toBe(0);
  });

  it('a full disk: the answer fails with DISK_FULL, the claim is released, and the request is answered once there is room', async ({
    skip,
  }) => {
    const mounted = smallTmpfs(512);
    if ('skip' in mounted) return skip(mounted.skip);
    const dir = mounted.dir;
    const box = join(dir, 'input-requests');
    const answer = request(dir, 'ask', 'big?', { id: 'big', timeoutMs: 60_000 });
    const errors: RequestError[] = [];
    let runs = 0;
    const stop = new AbortController();
    const served = serveRequests(dir, () => ({ runs: ++runs, text: 'x'.repeat(64 * 1024) }), {
      signal: stop.signal,
      concurrency: 1,
      pollMs: 50,
      onError: (error) => errors.push(error),
    });
    // the disk fills up while the handler works
    fillDisk(join(dir, 'filler'));
    await waitFor(() => errors.length >= 2, { what: 'two failed attempts' });
    expect(errors[0]).toBeInstanceOf(RequestError);
    expect(errors[0]).toMatchObject({ code: 'DISK_FULL', requestId: 'big' });
    // between attempts the request is pending, not held by our live heartbeat
    expect(readdirSync(box).filter((name) => name.includes('.lease-'))).toEqual([]);
    expect((await listRequests(dir))[0]?.status).toBe('pending');
    rmSync(join(dir, 'filler'));
    const { runs: lastRun } = (await answer) as { runs: number };
    expect(lastRun).toBeGreaterThan(1);
    stop.abort();
    expect(await served).toEqual({ answered: 1, failed: 0 });
  });
});
