import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { openEventLog } from '@fipc/events';
import { sseHandler } from '@fipc/sse';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { serve } from './helpers.js';

describe('one signal shared by many sessions', () => {
  it('50 sessions on one shutdown signal (as `fipc serve` runs) print no MaxListenersExceededWarning, and all end on abort', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    onTestFinished(() => void process.off('warning', onWarning));
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    await log.emit('started');
    await log.close();
    const shutdown = new AbortController();
    const { url } = await serve(sseHandler(() => path, { signal: shutdown.signal }));
    const readers = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const reader = (await fetch(url)).body!.getReader();
        for (let text = ''; !text.includes('event: started'); )
          text += Buffer.from((await reader.read()).value!).toString();
        return reader;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50)); // warnings are emitted on a later tick
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    expect(getEventListeners(shutdown.signal, 'abort').length).toBeLessThanOrEqual(1);
    shutdown.abort();
    for (const reader of readers) while (!(await reader.read()).done);
  });
});
