import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { NatsServer, natsSkipReason, spawnTs, tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { mirrorEvents, subjectToken } from '../src/index.js';
import { connection, exactlyOnce, recordLine, sseIds, streamRanges, waitForCopy } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));

describe.skipIf(natsSkipReason())('exactly once across kill -9', () => {
  it('ships 10,000 records while the shipper is killed 5 times and the server 3 times: a byte-identical mirror, the same SSE ids, each record once in the stream', async () => {
    const server = await NatsServer.start();
    const dir = tempDir();
    const source = join(dir, 'events.jsonl');
    const copy = join(dir, 'far', 'events.jsonl');
    const instanceId = 'crash run.1';
    writeFileSync(source, '');
    const startShipper = async () => {
      const child = spawnTs(fixture('ship'), [server.url, source, instanceId]);
      await child.waitForLine((line) => line === 'shipping');
      return child;
    };
    let shipper = await startShipper();
    const nc = await connection(server.url);
    const controller = new AbortController();
    const mirroring = mirrorEvents(copy, { nc, instanceId, signal: controller.signal });

    const mirrorFailed = mirroring.then(
      () => undefined,
      (error: unknown) => error,
    );

    // The writer: a few records every 8 ms while the chaos runs, then the rest at once (a catch-up).
    const total = 10_000;
    let chaosDone = false;
    const writing = (async () => {
      for (let n = 0; n < total; ) {
        let burst = '';
        const size = chaosDone ? 500 : 5;
        for (let i = 0; i < size && n < total; i++)
          burst += recordLine(instanceId, ++n, { pad: 'x'.repeat(n % 97) });
        appendFileSync(source, burst);
        await sleep(chaosDone ? 1 : 8);
      }
    })();
    const killShipper = async () => {
      const seen = shipper.lines.length;
      await shipper.waitForLine((line) => line.startsWith('shipped') && shipper.lines.indexOf(line) >= seen);
      await shipper.kill9();
      shipper = await startShipper();
    };
    const killServer = async () => {
      await server.kill9();
      await sleep(150);
      await server.start();
    };
    const chaos = [
      killShipper,
      killServer,
      killShipper,
      killShipper,
      killServer,
      killShipper,
      killServer,
      killShipper,
    ];
    for (const step of chaos) {
      await sleep(250);
      await step();
    }
    chaosDone = true;
    await writing;
    await waitForCopy(source, copy, 60_000);
    controller.abort();
    expect(await mirrorFailed).toBeUndefined();
    shipper.process.kill('SIGTERM');
    await shipper.exited;

    const ids = await sseIds(source);
    expect(ids).toHaveLength(total);
    expect(await sseIds(copy)).toEqual(ids);
    const ranges = await streamRanges(nc, `fipc.events.${subjectToken(instanceId)}`);
    expect(exactlyOnce(ranges, statSync(source).size)).toBe(true);
  });
});
