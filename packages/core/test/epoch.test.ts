import { createHash } from 'node:crypto';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { logEpoch, readEpoch } from '../src/index.js';

const EPOCH_BYTES = 4096;

const sha12 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex').slice(0, 12);

describe('logEpoch / readEpoch (PROTOCOL.md 5.1)', () => {
  it('hashes the first line with its newline, and nothing after it', () => {
    expect(logEpoch(Buffer.from('{"a":1}\n{"b":2}\n'))).toBe(sha12('{"a":1}\n'));
    expect(logEpoch(Buffer.from('{"a":1}\nother'))).toBe(sha12('{"a":1}\n'));
  });

  it('has no epoch before the first line is complete, and hashes 4096 bytes of a longer one', () => {
    expect(logEpoch(Buffer.from(''))).toBeUndefined();
    expect(logEpoch(Buffer.from('{"a":'))).toBeUndefined();
    const long = Buffer.alloc(EPOCH_BYTES + 10, 120);
    expect(logEpoch(long)).toBe(sha12(long.subarray(0, EPOCH_BYTES)));
  });

  it('reads the same epoch from a file', () => {
    const file = join(tempDir(), 'events.jsonl');
    writeFileSync(file, '{"first":true}\n{"second":true}\n');
    const fd = openSync(file, 'r');
    try {
      expect(readEpoch(fd)).toBe(sha12('{"first":true}\n'));
    } finally {
      closeSync(fd);
    }
  });
});
