import { isUtf8 } from 'node:buffer';
import type { CorruptLine, EventEntry } from './line-scanner.js';
import { toEventRecord } from './record.js';

// The first key this library writes: after a crash glued a fragment to a record, we resume from it.
const RECORD_START = '{"schema_version":';

/**
 * Parses one line of a log (without its newline) that starts at byte `offset`, as PROTOCOL.md 2.5 asks: a blank
 * line is skipped silently, a bad one is told to `onCorrupt`, a record glued to a torn fragment is recovered.
 * The building block of every reader here, exported for readers that manage their own descriptors.
 *
 * @example
 * const entry = parseRecordLine(Buffer.from('{"ts":"2026-01-01T00:00:00Z","id":"run-1","type":"started"}'), 0);
 * console.log(entry?.record.event_type); // 'started'
 */
export function parseRecordLine(
  line: Buffer,
  offset: number,
  onCorrupt?: (corrupt: CorruptLine) => void,
): EventEntry | undefined {
  const nextOffset = offset + line.length + 1;
  if (line[0] !== 123 && isBlank(line)) return undefined; // blank lines are allowed; records start with `{`
  const corrupt = (length: number, reason: string) => {
    onCorrupt?.({ offset, length, reason });
    return undefined;
  };
  if (!isUtf8(line)) return corrupt(line.length, 'invalid UTF-8');
  const text = line.toString('utf8');
  let parsed = parse(text);
  let skipped = 0;
  if (parsed === undefined) {
    const at = text.lastIndexOf(RECORD_START);
    if (at > 0) parsed = parse(text.slice(at));
    if (parsed === undefined) return corrupt(line.length, 'invalid JSON');
    skipped = Buffer.byteLength(text.slice(0, at));
    corrupt(skipped, 'torn fragment before a record');
  }
  const record = toEventRecord(parsed);
  if (typeof record === 'string') return corrupt(line.length, record);
  return { record, offset: offset + skipped, nextOffset };
}

function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== 32 && byte !== 9 && byte !== 13) return false;
  return true;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
