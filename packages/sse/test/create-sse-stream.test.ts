import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEventLog } from '@fipc/events';
import { createSseStream, SseError } from '@fipc/sse';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';

const decoder = new TextDecoder();
async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text;
}

describe('createSseStream', () => {
  it('filters by type or predicate, always sends the terminal record and then ends', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    for (const type of ['started', 'progress', 'log', 'progress', 'failed', 'progress']) await log.emit(type);
    await log.close();
    const byType = await readAll(
      createSseStream(path, { filter: 'progress', terminal: ['completed', 'failed'] }),
    );
    expect(byType.match(/^event: .*/gm)).toEqual(['event: progress', 'event: progress', 'event: failed']);
    const byPredicate = await readAll(
      createSseStream(path, { filter: (r) => r.event_type.startsWith('s'), terminal: (r) => r.seq === 3 }),
    );
    expect(byPredicate.match(/^event: .*/gm)).toEqual(['event: started', 'event: log']);
  });

  it('errors with BAD_EVENT_ID or STALE_EVENT_ID, and is empty after a terminal id', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    const { nextOffset } = await log.emit('completed');
    await log.close();
    await expect(readAll(createSseStream(path, { lastEventId: '1-2' }))).rejects.toMatchObject({
      code: 'BAD_EVENT_ID',
    });
    await expect(
      readAll(createSseStream(path, { lastEventId: `ffffffffffff-${nextOffset}`, staleId: 'gone' })),
    ).rejects.toBeInstanceOf(SseError);
    const text = await readAll(createSseStream(path, { terminal: 'completed' }));
    const id = /^id: (.*)$/m.exec(text)![1]!;
    expect(await readAll(createSseStream(path, { terminal: 'completed', lastEventId: id }))).toBe('');
    expect(() => createSseStream(path, { heartbeatMs: -1 })).toThrow(SseError);
  });

  it('reads the log only as fast as the consumer pulls (backpressure), and ends on abort', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const line = `${JSON.stringify({ schema_version: 1, timestamp: 't', instance_id: 'i', event_type: 'x', phase: null, data: { pad: 'y'.repeat(900) } })}\n`;
    writeFileSync(path, line.repeat(20_000)); // ~20 MB
    const controller = new AbortController();
    const stream = createSseStream(path, { signal: controller.signal });
    const reader = stream.getReader();
    let received = 0;
    for (let i = 0; i < 5; i++) received += (await reader.read()).value!.byteLength;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = process.memoryUsage().arrayBuffers;
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Nothing more was read while nobody pulled: the stream holds at most its small read-ahead.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2_000_000);
    controller.abort();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
    }
    expect(received).toBeLessThan(1_000_000);
  });

  it('a stream cancelled by its consumer leaves nothing running', async () => {
    const path = join(tempDir(), 'events.jsonl');
    appendFileSync(path, '');
    const before = process.getActiveResourcesInfo().length;
    const stream = createSseStream(path, { heartbeatMs: 10 });
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    await waitFor(() => process.getActiveResourcesInfo().length <= before, {
      what: `release: ${process.getActiveResourcesInfo().join(',')}`,
    });
  });

  it('a stream whose signal aborted already ends at once and leaves no descriptor open', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    await log.emit('started');
    await log.close();
    const openFds = () => readdirSync('/proc/self/fd').length;
    const before = openFds();
    for (let i = 0; i < 20; i++) {
      expect(await readAll(createSseStream(path, { signal: AbortSignal.abort() }))).toBe(': fipc\n\n');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openFds()).toBeLessThanOrEqual(before);
  });
});
