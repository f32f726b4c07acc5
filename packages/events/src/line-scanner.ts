import { parseRecordLine } from './parse-line.js';
import type { EventRecord } from './record.js';

/**
 * A record as read from the log, with where it starts and where the next one starts.
 *
 * @example
 * for await (const { record, offset, nextOffset } of readEvents('run/events.jsonl')) {
 *   console.log(offset, nextOffset, record.event_type);
 * }
 */
export interface EventEntry<R extends EventRecord = EventRecord> {
  /** The record, in the full shape even when the line used the original's short variant. */
  record: R;
  /** Byte offset of the first byte of the record's line. */
  offset: number;
  /** Byte offset just past the record's newline: where a reader resumes. */
  nextOffset: number;
}

/**
 * A line a reader skipped, as told to `onCorrupt`.
 *
 * @example
 * readEvents(path, { onCorrupt: ({ offset, reason }) => console.warn(`skipped bytes at ${offset}: ${reason}`) });
 */
export interface CorruptLine {
  /** Byte offset where the skipped bytes start. */
  offset: number;
  /** How many bytes were skipped (not counting the newline). */
  length: number;
  /** Why the bytes were skipped, in words for logs. */
  reason: string;
}

/**
 * Options shared by every reader.
 *
 * @example
 * const options: ReaderOptions = { maxLineBytes: 1024 * 1024, onCorrupt: (c) => console.warn(c.reason) };
 */
export interface ReaderOptions {
  /** Called for every skipped line; readers never throw for bad content. */
  onCorrupt?: (corrupt: CorruptLine) => void;
  /**
   * A line longer than this is skipped without being held in memory.
   * @default 8 MiB
   */
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;

const TOO_LONG = 'line longer than maxLineBytes';

/** Turns chunks of a log into entries, keeping at most `maxLineBytes` of an unfinished line. */
export class LineScanner {
  #carry: Buffer[] = [];
  #carryBytes = 0;
  /** Why the current line is being skipped without being kept, if it is. */
  #skipping: string | undefined;
  #lineStart: number;
  readonly #maxLineBytes: number;
  readonly #onCorrupt: ((corrupt: CorruptLine) => void) | undefined;

  constructor(position: number, options: ReaderOptions) {
    this.#lineStart = position;
    this.#maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.#onCorrupt = options.onCorrupt;
  }

  /** Whether the next byte scanned starts a line (nothing held back, nothing being skipped). */
  get atLineStart(): boolean {
    return this.#carryBytes === 0 && this.#skipping === undefined;
  }

  /** Bytes of an unfinished line held back, waiting for its newline. */
  get pending(): number {
    return this.#carryBytes;
  }

  /** Scans a chunk that starts where the previous one ended; `chunk` may be reused by the caller afterwards. */
  scan(chunk: Buffer): EventEntry[] {
    const entries: EventEntry[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const length = this.#carryBytes + piece.length;
      if (this.#skipping) this.#corrupt(this.#lineStart, length, this.#skipping);
      else if (length > this.#maxLineBytes) this.#corrupt(this.#lineStart, length, TOO_LONG);
      else this.#line(this.#carryBytes ? Buffer.concat([...this.#carry, piece]) : piece, entries);
      this.#lineStart += length + 1;
      this.#carry = [];
      this.#carryBytes = 0;
      this.#skipping = undefined;
      start = nl + 1;
    }
    const rest = chunk.length - start;
    if (rest > 0) {
      if (!this.#skipping && this.#carryBytes + rest > this.#maxLineBytes) {
        this.#skipping = TOO_LONG;
        this.#carry = [];
      }
      if (!this.#skipping) this.#carry.push(Buffer.from(chunk.subarray(start)));
      this.#carryBytes += rest;
    }
    return entries;
  }

  /**
   * Skips the bytes up to the next newline, reporting them with `reason` once it comes: for a reader that
   * starts at an offset that is not the start of a line.
   */
  skipLine(reason: string): void {
    this.#skipping = reason;
  }

  /** Drops an unfinished line (its file was truncated or replaced) and restarts counting at `position`. */
  reset(position: number, reason: string): void {
    if (this.#carryBytes > 0) this.#corrupt(this.#lineStart, this.#carryBytes, reason);
    this.#carry = [];
    this.#carryBytes = 0;
    this.#skipping = undefined;
    this.#lineStart = position;
  }

  #line(line: Buffer, entries: EventEntry[]): void {
    const entry = parseRecordLine(line, this.#lineStart, this.#onCorrupt);
    if (entry) entries.push(entry);
  }

  #corrupt(offset: number, length: number, reason: string): void {
    this.#onCorrupt?.({ offset, length, reason });
  }
}
