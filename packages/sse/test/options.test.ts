import { join } from 'node:path';
import { createSseStream, SseError, sseHandler, sseResponse } from '@fipc/sse';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';

/** The code `create` throws, or 'none'. */
function thrownCode(create: () => unknown): string {
  try {
    create();
    return 'none';
  } catch (error) {
    return error instanceof SseError ? error.code : String(error);
  }
}

describe('options', () => {
  it('refuses pollMs 0 (and any non-positive period) and a non-positive maxLineBytes at creation, with INVALID_OPTIONS', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const request = new Request('http://127.0.0.1/');
    const bad = [
      { pollMs: 0 },
      { pollMs: -1 },
      { pollMs: Number.NaN },
      { maxLineBytes: 0 },
      { maxLineBytes: 1.5 },
    ];
    for (const options of bad) {
      const what = JSON.stringify(options);
      expect(
        thrownCode(() => createSseStream(path, options)),
        what,
      ).toBe('INVALID_OPTIONS');
      expect(
        thrownCode(() => sseHandler(() => path, options)),
        what,
      ).toBe('INVALID_OPTIONS');
      expect(
        thrownCode(() => sseResponse(path, request, options)),
        what,
      ).toBe('INVALID_OPTIONS');
    }
    await createSseStream(path, { pollMs: 1, maxLineBytes: 1 }).cancel(); // the smallest valid values
  });
});
