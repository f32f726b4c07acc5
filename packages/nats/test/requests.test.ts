import { setTimeout as sleep } from 'node:timers/promises';
import type { StandardSchemaV1 } from '@fipc/core';
import { NatsServer, natsSkipReason } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import {
  awaitResponse,
  cancelRequest,
  NatsBridgeError,
  type RequestContext,
  request,
  respond,
  serveRequests,
} from '../src/index.js';
import { connection } from './helpers.js';

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof NatsBridgeError ? error.code : String(error)),
  );

// A hand-written Standard Schema: `{ approved: boolean }`, with JSON Schema.
const Approval: StandardSchemaV1<unknown, { approved: boolean }> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (value) =>
      typeof (value as { approved?: unknown })?.approved === 'boolean'
        ? { value: value as { approved: boolean } }
        : { issues: [{ message: 'approved must be a boolean', path: ['approved'] }] },
  },
};

describe.skipIf(natsSkipReason())('requests over NATS', () => {
  it('a responder answers; the first answer wins; a resumed id gets the same outcome', async () => {
    const server = await NatsServer.start();
    const nc = await connection(server.url);
    const instanceId = 'run-1';
    const controller = new AbortController();
    const served = serveRequests((payload: { n: number }) => ({ approved: payload.n % 2 === 0 }), {
      nc,
      instanceId,
      signal: controller.signal,
    });
    const answers = await Promise.all(
      [1, 2, 3, 4].map((n) => request({ n }, { nc, instanceId, schema: Approval, id: `q-${n}` })),
    );
    expect(answers.map((a) => a.approved)).toEqual([false, true, false, true]);
    expect(await code(respond('q-1', { approved: true }, { nc, instanceId }))).toBe('ALREADY_ANSWERED');
    expect(await request({ n: 1 }, { nc, instanceId, id: 'q-1' })).toEqual({ approved: false });
    expect(await awaitResponse('q-2', { nc, instanceId })).toEqual({ approved: true });
    expect(await code(request({ n: 9 }, { nc, instanceId, id: 'q-1' }))).toBe('ID_IN_USE');
    expect(await code(awaitResponse('nope', { nc, instanceId }))).toBe('NOT_FOUND');
    expect(await code(respond('nope', {}, { nc, instanceId }))).toBe('NOT_FOUND');
    expect(await code(request({}, { nc, instanceId, id: '../x' }))).toBe('INVALID_ID');
    controller.abort();
    expect(await served).toEqual({ answered: 4, failed: 0 });
  });

  it('expiry, cancel, abort, a failing handler and a schema mismatch end requests as on one machine', async () => {
    const server = await NatsServer.start();
    const nc = await connection(server.url);
    const instanceId = 'run-2';
    // Nobody serves yet: an expiry, an abort, and a cancel by a third party.
    expect(await code(request({}, { nc, instanceId, id: 'late', timeoutMs: 200 }))).toBe('TIMEOUT');
    expect(await code(respond('late', {}, { nc, instanceId }))).toBe('REQUEST_EXPIRED');
    expect(await code(request({}, { nc, instanceId, id: 'gone', signal: AbortSignal.timeout(100) }))).toBe(
      'ABORTED',
    );
    expect(await code(respond('gone', {}, { nc, instanceId }))).toBe('REQUEST_CANCELLED');
    const dismissed = code(request({}, { nc, instanceId, id: 'dismissed' }));
    await sleep(50);
    await cancelRequest('dismissed', { nc, instanceId, reason: 'superseded' });
    expect(await dismissed).toBe('REQUEST_CANCELLED');

    const controller = new AbortController();
    const seen: RequestContext[] = [];
    const served = serveRequests(
      async (payload: { kind: string }, context) => {
        seen.push(context);
        if (payload.kind === 'throw') throw Object.assign(new TypeError('bad input'), { code: 'E_BAD' });
        if (payload.kind === 'wrong') return { approved: 'yes' };
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
        throw new Error('aborted');
      },
      { nc, instanceId, signal: controller.signal },
    );
    const failed = await request({ kind: 'throw' }, { nc, instanceId }).catch((e: NatsBridgeError) => e);
    expect(failed).toMatchObject({
      code: 'RESPONDER_ERROR',
      responseError: { message: 'bad input', name: 'TypeError', code: 'E_BAD' },
    });
    expect(await code(request({ kind: 'wrong' }, { nc, instanceId, schema: Approval }))).toBe(
      'SCHEMA_MISMATCH',
    );
    // A handler working on a request sees its signal abort when someone cancels it.
    const waiting = code(request({ kind: 'wait' }, { nc, instanceId, id: 'long' }));
    await (async () => {
      while (!seen.some((c) => c.id === 'long')) await sleep(10);
    })();
    await cancelRequest('long', { nc, instanceId });
    expect(await waiting).toBe('REQUEST_CANCELLED');
    expect(seen.find((c) => c.id === 'long')!.signal.aborted).toBe(true);
    controller.abort();
    expect(await served).toEqual({ answered: 1, failed: 1 });
  });
});
