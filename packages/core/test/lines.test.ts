import { closeSync, openSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { LineScanner, NOT_LINE_START, parseRecordLine, readLines, readOn, type Skip } from '../src/index.js';

const record = (type: string) =>
  JSON.stringify({
    schema_version: 1,
    timestamp: 't',
    instance_id: 'i',
    event_type: type,
    phase: null,
    data: {},
  });

describe('LineScanner', () => {
  it('joins lines across chunks and reports offsets', () => {
    const lines: [string, number][] = [];
    const scanner = new LineScanner(100);
    for (const chunk of ['ab', 'c\nde', 'f\n\ng'])
      scanner.scan(Buffer.from(chunk), (b, o) => lines.push([b.toString(), o]));
    expect(lines).toEqual([
      ['abc', 100],
      ['def', 104],
      ['', 108],
    ]);
    expect(scanner.pending).toBe(1);
  });

  it('skips a line over maxLineBytes without holding it, and says so once', () => {
    const skips: Skip[] = [];
    const lines: string[] = [];
    const scanner = new LineScanner(0, { maxLineBytes: 10, onSkip: (s) => skips.push(s), path: 'p' });
    scanner.scan(Buffer.from('short\n0123456789'), (b) => lines.push(b.toString()));
    for (let i = 0; i < 100; i++) scanner.scan(Buffer.alloc(1000, 120), () => {});
    expect(scanner.pending).toBe(100_010);
    scanner.scan(Buffer.from('x\nnext\n'), (b) => lines.push(b.toString()));
    expect(lines).toEqual(['short', 'next']);
    expect(skips).toEqual([
      { reason: 'line longer than maxLineBytes', path: 'p', offset: 6, length: 100_011 },
    ]);
  });

  it('stillMatches() sees a file truncated and written again past a held partial line', async () => {
    const dir = tempDir();
    const file = join(dir, 'log');
    writeFileSync(
      file,
      `${record('a')}\n{"schema_version":1,"timestamp":"t","instance_id":"i","event_type":"held`,
    );
    const handle = await open(file, 'r');
    try {
      const scanner = new LineScanner(0);
      const seen: string[] = [];
      const position = await readLines(handle, 0, scanner, (b) => seen.push(b.toString()));
      expect(seen).toHaveLength(1);
      expect(scanner.stillMatches(handle.fd)).toBe(true);
      // Truncated and regrown past `position` by another writer: same length, other bytes.
      writeFileSync(file, `${record('b')}\n${record('c').slice(0, position - record('b').length - 1)}X"}\n`);
      expect(scanner.stillMatches(handle.fd)).toBe(false);
    } finally {
      await handle.close();
    }
  });
  it('stillMatches() holds for a line entered mid-way with skipLine(), until the file changes under it', async () => {
    const file = join(tempDir(), 'log');
    writeFileSync(file, `${record('a')}\n${record('b').slice(0, 40)}`);
    const handle = await open(file, 'r');
    try {
      const from = record('a').length + 5; // inside the first line: no newline before it
      const scanner = new LineScanner(from);
      scanner.skipLine(NOT_LINE_START);
      await readLines(handle, from, scanner, () => {});
      expect(scanner.pending).toBeGreaterThan(0);
      expect(scanner.stillMatches(handle.fd)).toBe(true);
      writeFileSync(file, `${record('c')}\n${'x'.repeat(60)}\n`);
      expect(scanner.stillMatches(handle.fd)).toBe(false);
    } finally {
      await handle.close();
    }
  });
});

describe('readOn', () => {
  it('reads what follows a line start in one read, and says when the file no longer continues it', () => {
    const path = join(tempDir(), 'log');
    writeFileSync(path, 'ab\ncd\n');
    const fd = openSync(path, 'r');
    const buffer = Buffer.alloc(4);
    const read = (position: number) => readOn(fd, position, buffer)?.toString();
    try {
      expect(read(0)).toBe('ab\nc'); // from the start, no byte before it to check
      expect(read(3)).toBe('cd\n');
      expect(read(6)).toBe(''); // nothing new
      expect(read(7)).toBeUndefined(); // past the end: the file is shorter than the position
      expect(read(2)).toBeUndefined(); // not a line start: the file changed under the position
      writeFileSync(path, 'xyz\n');
      expect(read(3)).toBeUndefined(); // rewritten: the byte before the position is no newline now
      expect(read(4)).toBe('');
    } finally {
      closeSync(fd);
    }
  });
});

describe('parseRecordLine', () => {
  it('recovers a record glued to a torn fragment, even when the tear splits a UTF-8 character', () => {
    const skips: Skip[] = [];
    const torn = Buffer.from('{"schema_version":1,"data":{"name":"é'.slice(0, -1));
    const fragment = Buffer.concat([torn, Buffer.from('é').subarray(0, 1)]); // half of a two-byte character
    const line = Buffer.concat([fragment, Buffer.from(record('glued'))]);
    const entry = parseRecordLine(line, 10, (s) => skips.push(s));
    expect(entry?.record.event_type).toBe('glued');
    expect(entry?.offset).toBe(10 + fragment.length);
    expect(skips).toEqual([
      { reason: 'torn fragment before a record', offset: 10, length: fragment.length, path: undefined },
    ]);
  });

  it('skips invalid UTF-8 with no record in it', () => {
    const skips: Skip[] = [];
    expect(parseRecordLine(Buffer.from([0x7b, 0xff, 0x7d]), 0, (s) => skips.push(s))).toBeUndefined();
    expect(skips[0]?.reason).toBe('invalid UTF-8');
  });

  it('reads the whole file through one scanner in bounded chunks', async () => {
    const dir = tempDir();
    const file = join(dir, 'log');
    writeFileSync(file, Array.from({ length: 5000 }, (_, i) => record(`t${i}`)).join('\n') + '\n');
    const fd = openSync(file, 'r');
    closeSync(fd);
    const handle = await open(file, 'r');
    let count = 0;
    await readLines(handle, 0, new LineScanner(0), () => count++, { buffer: Buffer.alloc(4096) });
    await handle.close();
    expect(count).toBe(5000);
  });
});
