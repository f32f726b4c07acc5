import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { openEventLog } from '@fipc/events';
import { createSseStream, SseError } from '@fipc/sse';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';

async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  let text = '';
  for (let step = await reader.read(); !step.done; step = await reader.read())
    text += Buffer.from(step.value).toString();
  return text;
}

describe('a shared follower that fails', () => {
  it('is never joined: a client still catching up when it failed is disconnected with the error, not left with heartbeats', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    for (let i = 0; i < 200; i++) await log.emit('progress', { data: { pad: 'x'.repeat(500) } });
    await log.close();
    const options = { pollMs: 20, heartbeatMs: 50 };
    // `live` reads everything, so it joins (and starts) the shared follower.
    const live = createSseStream(path, options).getReader();
    for (let text = ''; !text.includes('"seq":200'); )
      text += Buffer.from((await live.read()).value!).toString();
    // `behind` reads one chunk and stops pulling: its catch-up pauses, its own descriptor on the log open.
    const behind = createSseStream(path, options).getReader();
    await behind.read();
    await new Promise((resolve) => setTimeout(resolve, 100)); // the follower has the file open
    // A directory at the path: the follower drains the old file, then fails reading the path.
    renameSync(path, `${path}.old`);
    mkdirSync(path);
    await expect(readAll(live)).rejects.toBeInstanceOf(SseError);
    // `behind` reads the rest of the old file, then must not join the failed follower.
    const error = await readAll(behind).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SseError);
    expect((error as SseError).code).toMatch(/^(NOT_A_FILE|IO_ERROR)$/);
  });
});
