import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request, serveRequests } from '@fipc/requests';
import { NatsServer, natsSkipReason, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { quote, Shell, sh } from './helpers/shell.js';

const line = (n: number) =>
  `${JSON.stringify({ schema_version: 1, timestamp: new Date(n).toISOString(), instance_id: 'run-1', event_type: 'step', phase: null, data: { n } })}\n`;

describe.skipIf(natsSkipReason())('fipc nats', { timeout: 120_000 }, () => {
  it('ship and mirror: the far side gets the same bytes, and fipc tail reads them', async () => {
    const server = await NatsServer.start();
    const root = tempDir();
    const near = join(root, 'near', 'run-1');
    const far = join(root, 'far', 'run-1');
    mkdirSync(near, { recursive: true });
    const log = join(near, 'events.jsonl');
    for (let n = 1; n <= 100; n++) appendFileSync(log, line(n));
    const ship = new Shell(`exec fipc nats ship ${quote(near)} --server ${server.url}`);
    const mirror = new Shell(`exec fipc nats mirror ${quote(`${far}/`)} --server ${server.url}`);
    const copy = join(far, 'events.jsonl');
    const same = () => {
      try {
        return readFileSync(copy).equals(readFileSync(log));
      } catch {
        return false;
      }
    };
    await waitFor(same, { timeoutMs: 60_000, what: 'the mirror' });
    appendFileSync(log, line(101));
    await waitFor(same, { timeoutMs: 30_000, what: 'the live record' });
    for (const shell of [ship, mirror]) shell.process.kill('SIGTERM');
    expect((await ship.done).code).toBe(0);
    expect((await mirror.done).code).toBe(0);
    const tailed = await sh(`fipc tail ${quote(far)} --json`);
    expect(tailed.stdout.trim().split('\n')).toHaveLength(101);
  });

  it('forward-requests and serve-requests: a local request answered by a local responder on another host', async () => {
    const server = await NatsServer.start();
    const root = tempDir();
    const [hostA, hostB] = ['a', 'b'].map((host) => join(root, host, 'job'));
    const forward = new Shell(`exec fipc nats forward-requests ${quote(hostA!)} --server ${server.url}`);
    const serve = new Shell(`exec fipc nats serve-requests ${quote(hostB!)} --server ${server.url}`);
    const stop = new AbortController();
    // Host B's own responder answers the request files the bridge writes there.
    const answering = serveRequests(
      hostB!,
      (payload, { kind }) => ({ heard: (payload as { question: string }).question, kind }),
      {
        signal: stop.signal,
        pollMs: 100,
      },
    );
    const answer = await request(
      hostA!,
      'approve',
      { question: 'deploy?' },
      { timeoutMs: 60_000, pollMs: 100 },
    );
    expect(answer).toEqual({ heard: 'deploy?', kind: 'approve' }); // the kind travelled with the request
    stop.abort();
    await answering;
    for (const shell of [forward, serve]) shell.process.kill('SIGTERM');
    expect((await forward.done).code).toBe(0);
    expect((await serve.done).code).toBe(0);
  });
});
