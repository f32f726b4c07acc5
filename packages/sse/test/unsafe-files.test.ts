import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { openEventLog } from '@fipc/events';
import { createSseStream, SseError, sseHandler, sseResponse } from '@fipc/sse';
import { spawnTs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listen, serve } from './helpers.js';

describe('a log path that is not a regular file', () => {
  it('a FIFO is refused with 500 at once while other clients keep streaming (server in a child process)', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const log = openEventLog(join(dir, 'events.jsonl'));
    await log.emit('started');
    const server = spawnTs(join(import.meta.dirname, 'fixtures', 'server.ts'), [dir]);
    onTestFinished(() => void server.kill9());
    const url = `http://127.0.0.1:${(await server.waitForLine((line) => line.startsWith('ready '))).slice(6)}`;
    const client = listen(`${url}/?log=events.jsonl`, ['started', 'progress']);
    await waitFor(() => client.events.length === 1, { what: 'the first record' });
    // A blocking open of the FIFO would stall the server's event loop until a writer came: it never does.
    const refused = await fetch(`${url}/?log=fifo`, { signal: AbortSignal.timeout(10_000) });
    expect(refused.status).toBe(500);
    expect(await refused.text()).toBe('the log is not a regular file\n');
    await log.emit('progress');
    await log.close();
    await waitFor(() => client.events.length === 2, { what: 'a record after the refusal' });
  });

  it('a symlink is not followed: 500 from sseHandler and sseResponse, NOT_A_FILE from createSseStream', async () => {
    const dir = tempDir();
    const log = openEventLog(join(dir, 'events.jsonl'));
    await log.emit('started');
    await log.close();
    symlinkSync(join(dir, 'events.jsonl'), join(dir, 'link.jsonl'));
    const { url } = await serve(sseHandler(() => join(dir, 'link.jsonl')));
    expect((await fetch(url)).status).toBe(500);
    expect(sseResponse(join(dir, 'link.jsonl'), new Request('http://127.0.0.1/')).status).toBe(500);
    const reader = createSseStream(join(dir, 'link.jsonl')).getReader();
    const error = await reader.read().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SseError);
    expect(error).toMatchObject({ code: 'NOT_A_FILE', path: join(dir, 'link.jsonl') });
  });
});
