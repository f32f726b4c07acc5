import { existsSync, mkdirSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeState } from '@fipc/state';
import { NatsServer, natsSkipReason, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { mirrorState, shipState } from '../src/index.js';
import { connection } from './helpers.js';

describe.skipIf(natsSkipReason())('shipState + mirrorState', () => {
  it('over 300 updates (and a server crash), every snapshot on the far side is one of the source, byte for byte, and the last is the last', async () => {
    const server = await NatsServer.start();
    const nc = await connection(server.url);
    const dir = tempDir();
    mkdirSync(join(dir, 'near'));
    mkdirSync(join(dir, 'far'));
    const source = join(dir, 'near', 'state.json');
    const copy = join(dir, 'far', 'state.json');
    const instanceId = 'state run';
    const controller = new AbortController();
    const { signal } = controller;
    const shipping = shipState(source, { nc, instanceId, signal, pollMs: 100 });
    const mirroring = mirrorState(copy, { nc, instanceId, signal, pollMs: 100 });
    const written = new Set<string>();
    const seen = new Set<string>();
    const look = () => {
      if (existsSync(copy)) seen.add(readFileSync(copy, 'latin1'));
    };
    const watcher = watch(join(dir, 'far'), look);
    for (let n = 1; n <= 300; n++) {
      await writeState(source, {
        instance_id: instanceId,
        n,
        note: 'é'.repeat(n % 7),
        nested: { even: n % 2 === 0 },
      });
      written.add(readFileSync(source, 'latin1'));
      if (n % 10 === 0) await sleep(10);
      if (n === 150) {
        await server.kill9();
        await sleep(100);
        await server.start();
      }
    }
    await waitFor(() => existsSync(copy) && readFileSync(copy).equals(readFileSync(source)), {
      timeoutMs: 20_000,
    });
    look();
    watcher.close();
    controller.abort();
    await Promise.all([shipping, mirroring]);
    expect(seen.size).toBeGreaterThan(1);
    for (const snapshot of seen) expect(written.has(snapshot)).toBe(true);
    expect(JSON.parse(readFileSync(copy, 'utf8')).n).toBe(300);
  });
});
