import { appendFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type TailReset, tailEvents } from '@fipc/events';
import { NatsServer, natsSkipReason, spawnTs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { mirrorEvents, type Shipped, shipEvents } from '../src/index.js';
import { connection, recordLine, sseIds, waitForCopy } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));

describe.skipIf(natsSkipReason())('mirrorEvents', () => {
  it('resumes after kill -9 mid-stream to identical bytes and ids', async () => {
    const server = await NatsServer.start();
    const nc = await connection(server.url);
    const dir = tempDir();
    const source = join(dir, 'events.jsonl');
    const copy = join(dir, 'far', 'events.jsonl');
    const instanceId = 'mirror-crash';
    writeFileSync(source, '');
    const controller = new AbortController();
    const shipping = shipEvents(source, { nc, instanceId, signal: controller.signal, maxBatchBytes: 4096 });
    let n = 0;
    let killing = true; // the writer goes on until the last mirror was killed, so each kill lands mid-stream
    const writing = (async () => {
      while (!controller.signal.aborted && (killing || n < 6000)) {
        let burst = '';
        for (let i = 0; i < 10; i++) burst += recordLine(instanceId, ++n);
        appendFileSync(source, burst);
        await sleep(5);
      }
    })();
    for (let kill = 0; kill < 3; kill++) {
      const mirror = spawnTs(fixture('mirror'), [server.url, copy, instanceId]);
      await mirror.waitForLine((line) => line.startsWith('mirrored'));
      await sleep(100 + kill * 150);
      await mirror.kill9();
    }
    killing = false;
    await writing;
    const mirror = spawnTs(fixture('mirror'), [server.url, copy, instanceId]);
    await waitForCopy(source, copy);
    mirror.process.kill('SIGTERM');
    await mirror.exited;
    controller.abort();
    await shipping;
    expect(await sseIds(copy)).toEqual(await sseIds(source));
    expect(await sseIds(source)).toHaveLength(n);
  });

  it('cuts a torn tail back to the last whole line before resuming, with or without its checkpoint', async () => {
    const server = await NatsServer.start();
    const nc = await connection(server.url);
    const dir = tempDir();
    const source = join(dir, 'events.jsonl');
    const copy = join(dir, 'far', 'events.jsonl');
    const instanceId = 'torn';
    writeFileSync(source, Array.from({ length: 100 }, (_, i) => recordLine(instanceId, i + 1)).join(''));
    const controller = new AbortController();
    const shipping = shipEvents(source, { nc, instanceId, signal: controller.signal });
    const mirrorOnce = async () => {
      const stop = new AbortController();
      const mirroring = mirrorEvents(copy, { nc, instanceId, signal: stop.signal });
      await waitForCopy(source, copy);
      stop.abort();
      await mirroring;
    };
    await mirrorOnce();
    // A crash in the middle of a write (a power loss, say): whole lines and half of one more.
    const more = Array.from({ length: 50 }, (_, i) => recordLine(instanceId, 101 + i)).join('');
    appendFileSync(source, more);
    appendFileSync(copy, more.slice(0, 1000));
    await mirrorOnce();
    appendFileSync(source, recordLine(instanceId, 151));
    appendFileSync(copy, '{"schema_version":1,"tim');
    rmSync(join(dir, 'far', '.events.jsonl.nats.json'));
    await mirrorOnce();
    expect(readFileSync(copy)).toEqual(readFileSync(source));
    controller.abort();
    await shipping;
  });

  it('replaces the copy when the source is rotated: readers of the copy see a rotation, then the new log', async () => {
    const server = await NatsServer.start();
    const nc = await connection(server.url);
    const dir = tempDir();
    const source = join(dir, 'events.jsonl');
    const copy = join(dir, 'far', 'events.jsonl');
    const instanceId = 'rotating';
    writeFileSync(source, recordLine(instanceId, 1) + recordLine(instanceId, 2));
    const controller = new AbortController();
    const { signal } = controller;
    const shipped: Shipped[] = [];
    const shipping = shipEvents(source, { nc, instanceId, signal, onShipped: (s) => shipped.push(s) });
    const rotations: unknown[] = [];
    const mirroring = mirrorEvents(copy, { nc, instanceId, signal, onRotate: (r) => rotations.push(r) });
    await waitForCopy(source, copy);
    const resets: TailReset[] = [];
    const seen: number[] = [];
    const tail = (async () => {
      for await (const { record } of tailEvents(copy, { signal, onReset: (r) => resets.push(r), pollMs: 50 }))
        seen.push((record.data as { n: number }).n);
    })();
    await waitFor(() => seen.length === 2);
    writeFileSync(join(dir, 'next.jsonl'), recordLine(instanceId, 10));
    renameSync(join(dir, 'next.jsonl'), source);
    appendFileSync(source, recordLine(instanceId, 11));
    await waitForCopy(source, copy);
    await waitFor(() => seen.length === 4);
    expect(seen).toEqual([1, 2, 10, 11]);
    expect(resets.map((r) => r.reason)).toEqual(['rotated']);
    expect(rotations).toHaveLength(1);
    expect(new Set(shipped.map((s) => s.epoch)).size).toBe(2);
    expect(await sseIds(copy)).toEqual(await sseIds(source));

    // A restart without its checkpoint reads the subject from its start: the old epoch is skipped, not
    // rotated back and forth.
    controller.abort();
    await Promise.all([shipping, mirroring, tail]);
    rmSync(join(dir, 'far', '.events.jsonl.nats.json'));
    const again = new AbortController();
    const rotated: unknown[] = [];
    const restarted = mirrorEvents(copy, {
      nc,
      instanceId,
      signal: again.signal,
      onRotate: (r) => rotated.push(r),
    });
    appendFileSync(source, recordLine(instanceId, 12));
    const reshipping = shipEvents(source, { nc, instanceId, signal: again.signal });
    await waitForCopy(source, copy);
    again.abort();
    await Promise.all([restarted, reshipping]);
    expect(rotated).toEqual([]);
  });
});
