import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NatsServer, natsSkipReason, tempDir, waitFor } from '@fipc/test-utils';
import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { mirrorEvents, NatsBridgeError, type Shipped, shipEvents } from '../src/index.js';
import { connection, recordLine, sseIds, waitForCopy } from './helpers.js';

describe.skipIf(natsSkipReason())('shipEvents + mirrorEvents', () => {
  it('mirrors a growing log byte-identical, with the same SSE ids, in batches when behind', async () => {
    const server = await NatsServer.start();
    const nc = await connection(server.url);
    const dir = tempDir();
    const source = join(dir, 'a', 'events.jsonl');
    const copy = join(dir, 'b', 'events.jsonl');
    const instanceId = 'eu.run_1 ü';
    const lines = Array.from({ length: 2000 }, (_, i) => recordLine(instanceId, i + 1));
    mkdirSync(join(dir, 'a'));
    writeFileSync(source, lines.join(''));
    const controller = new AbortController();
    const shipped: Shipped[] = [];
    const signal = controller.signal;
    const shipping = shipEvents(source, { nc, instanceId, signal, onShipped: (s) => shipped.push(s) });
    const mirroring = mirrorEvents(copy, { nc, instanceId, signal });
    await waitForCopy(source, copy);
    expect(shipped.length).toBeLessThan(lines.length / 10); // batched: 2000 records, a few messages
    // Live: one record at a time, then a line with CRLF, and bytes that are not even a record.
    for (let i = 0; i < 50; i++) {
      appendFileSync(source, recordLine(instanceId, 3000 + i, { text: 'é\u2028' }));
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    appendFileSync(source, '{"not":"a record"}\r\n\n');
    await waitForCopy(source, copy);
    expect(await sseIds(copy)).toEqual(await sseIds(source));
    expect((await sseIds(copy)).length).toBe(2050);
    controller.abort();
    await Promise.all([shipping, mirroring]);
  });

  it('refuses a hole in the stream with HOLE, writing nothing past it', async () => {
    const server = await NatsServer.start();
    const nc = await connection(server.url);
    const dir = tempDir();
    const source = join(dir, 'events.jsonl');
    const copy = join(dir, 'copy', 'events.jsonl');
    const instanceId = 'run-hole';
    const controller = new AbortController();
    const shipped: Shipped[] = [];
    writeFileSync(source, '');
    const shipping = shipEvents(source, {
      nc,
      instanceId,
      signal: controller.signal,
      onShipped: (s) => shipped.push(s),
    });
    for (let i = 1; i <= 3; i++) {
      appendFileSync(source, recordLine(instanceId, i));
      await waitFor(() => shipped.length === i);
    }
    controller.abort();
    await shipping;
    const jsm = await jetstreamManager(nc);
    await jsm.streams.deleteMessage('FIPC_EVENTS', shipped[1]!.seq);
    const error = await mirrorEvents(copy, { nc, instanceId, signal: AbortSignal.timeout(10_000) }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(NatsBridgeError);
    expect(error.code).toBe('HOLE');
    expect(readFileSync(copy, 'utf8')).toBe(recordLine(instanceId, 1));
  });

  it('sends a line longer than a batch alone, refuses one longer than a message (TOO_LARGE), and a log that lost shipped bytes (DIVERGED)', async () => {
    const server = await NatsServer.start();
    const nc = await connection(server.url);
    const dir = tempDir();
    const source = join(dir, 'events.jsonl');
    const copy = join(dir, 'copy', 'events.jsonl');
    const instanceId = 'big';
    const big = recordLine(instanceId, 2, { blob: 'x'.repeat(200_000) });
    writeFileSync(source, recordLine(instanceId, 1) + big + recordLine(instanceId, 3));
    const controller = new AbortController();
    const { signal } = controller;
    const shipped: Shipped[] = [];
    const shipping = shipEvents(source, { nc, instanceId, signal, onShipped: (s) => shipped.push(s) });
    const mirroring = mirrorEvents(copy, { nc, instanceId, signal });
    await waitForCopy(source, copy);
    expect(shipped.some((s) => s.lines === 1 && s.nextOffset - s.offset === Buffer.byteLength(big))).toBe(
      true,
    );
    appendFileSync(source, recordLine(instanceId, 4, { blob: 'y'.repeat(2 * 1024 * 1024) }));
    const error = await shipping.catch((e) => e);
    expect(error).toMatchObject({ name: 'NatsBridgeError', code: 'TOO_LARGE' });
    controller.abort();
    await mirroring;

    // The log loses its last shipped records (truncated, same first line): refused, not shipped again.
    const lines = readFileSync(source, 'utf8').split('\n');
    writeFileSync(source, `${lines[0]}\n`);
    const diverged = await shipEvents(source, { nc, instanceId, signal: AbortSignal.timeout(10_000) }).catch(
      (e) => e,
    );
    expect(diverged).toMatchObject({ code: 'DIVERGED' });
  });
});
