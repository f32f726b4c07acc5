import { getEventListeners } from 'node:events';
import { readdirSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openEventLog } from '@fipc/events';
import { createSseStream, sseHandler } from '@fipc/sse';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { serve } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const openFds = () => readdirSync('/proc/self/fd').length;
const resources = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');

/** Connects, waits for the first record, disconnects. */
function cycle(url: string, agent: false): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent }, (res) => {
      res.on('data', (chunk: Buffer) => {
        if (chunk.includes('event: progress')) req.destroy();
      });
      res.on('close', resolve);
    });
    req.on('error', (error) =>
      (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(error),
    );
  });
}

describe('no leaks', () => {
  it('10,000 connect/disconnect cycles through sseHandler leave no handle, fd, timer or listener behind', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    for (let i = 0; i < 10; i++) await log.emit('progress');
    const shutdown = new AbortController();
    const { url } = await serve(sseHandler(() => path, { signal: shutdown.signal, heartbeatMs: 5_000 }));
    await cycle(url, false); // warm up the server's own handles
    await new Promise((resolve) => setTimeout(resolve, 100));
    const fds = openFds();
    const before = resources().length;
    gc();
    const heap = process.memoryUsage().heapUsed;
    for (let i = 0; i < 10_000; i += 50) {
      await Promise.all(Array.from({ length: 50 }, () => cycle(url, false)));
      if (i % 1000 === 0) await log.emit('progress'); // live records while clients come and go
    }
    await log.close();
    await waitFor(() => resources().length <= before && openFds() <= fds, {
      what: `release (fds ${openFds()} vs ${fds}; ${resources().join(',')})`,
      timeoutMs: 30_000,
    });
    // Core's onAbort: one listener per signal, however many sessions came and went.
    expect(getEventListeners(shutdown.signal, 'abort').length).toBeLessThanOrEqual(1);
    gc(); // garbage not yet collected is not a leak: measure what is still reachable
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(50 * 1024 * 1024);
  }, 300_000);

  it('10,000 createSseStream cycles, cancelled or aborted, leave nothing behind', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    await log.emit('progress');
    await log.close();
    const shared = new AbortController();
    const fds = openFds();
    const before = resources().length;
    for (let i = 0; i < 10_000; i++) {
      const own = new AbortController();
      const stream = createSseStream(path, {
        signal: i % 2 ? own.signal : shared.signal,
        heartbeatMs: 1_000,
      });
      const reader = stream.getReader();
      for (let text = ''; !text.includes('id: '); )
        text += Buffer.from((await reader.read()).value!).toString();
      if (i % 2) own.abort();
      else await reader.cancel();
    }
    await waitFor(() => resources().length <= before && openFds() <= fds, {
      what: `release (fds ${openFds()} vs ${fds}; ${resources().join(',')})`,
      timeoutMs: 30_000,
    });
    expect(getEventListeners(shared.signal, 'abort').length).toBeLessThanOrEqual(1);
  }, 300_000);
});
