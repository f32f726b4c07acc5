import { isUtf8 } from 'node:buffer';
import type { OnSkip } from './options.js';
import { type EventRecord, toEventRecord } from './record.js';

/**
 * A record as read from a log, with where its line starts and where the next one starts.
 *
 * @example
 * for await (const { record, offset, nextOffset } of readEvents('run/events.jsonl')) {
 *   console.log(offset, nextOffset, record.event_type);
 * }
 */
export interface EventEntry<R extends EventRecord = EventRecord> {
  /** The record, in the full shape even when the line used the original's short variant. */
  record: R;
  /** Byte offset of the first byte of the record (after a torn fragment it was glued to, if any). */
  offset: number;
  /** Byte offset just past the record's newline: where a reader resumes. */
  nextOffset: number;
}

// The first key this library writes: after a crash glued a fragment to a record, we resume from it.
const RECORD_START = Buffer.from('{"schema_version":');

/**
 * Parses one line of a log (without its newline) that starts at byte `offset`, as PROTOCOL.md 2.5 asks: a blank
 * line is skipped silently, a bad one is told to `onSkip`, a record glued to a torn fragment is recovered (the
 * record start is looked for in the bytes, so a tear inside a UTF-8 character does not hide it).
 *
 * @example
 * const entry = parseRecordLine(Buffer.from('{"ts":"2026-01-01T00:00:00Z","id":"run-1","type":"started"}'), 0);
 * console.log(entry?.record.event_type); // 'started'
 */
export function parseRecordLine(
  line: Buffer,
  offset: number,
  onSkip?: OnSkip,
  path?: string,
): EventEntry | undefined {
  const nextOffset = offset + line.length + 1;
  if (line[0] !== 123 && isBlank(line)) return undefined; // blank lines are allowed; records start with `{`
  let parsed = isUtf8(line) ? parse(line) : undefined;
  let skipped = 0;
  if (parsed === undefined) {
    const at = line.lastIndexOf(RECORD_START);
    const rest = at > 0 ? line.subarray(at) : undefined;
    if (rest && isUtf8(rest)) parsed = parse(rest);
    if (parsed === undefined)
      return skip(onSkip, path, offset, line.length, isUtf8(line) ? 'invalid JSON' : 'invalid UTF-8');
    skipped = at;
    skip(onSkip, path, offset, skipped, 'torn fragment before a record');
  }
  const record = toEventRecord(parsed);
  if (typeof record === 'string') return skip(onSkip, path, offset + skipped, line.length - skipped, record);
  return { record, offset: offset + skipped, nextOffset };
}

// A function of its own, not a closure made for every line: this runs once per record read.
function skip(
  onSkip: OnSkip | undefined,
  path: string | undefined,
  offset: number,
  length: number,
  reason: string,
): undefined {
  onSkip?.({ reason, path, offset, length });
  return undefined;
}

function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== 32 && byte !== 9 && byte !== 13) return false;
  return true;
}

function parse(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
