import { read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  CHUNK_BYTES,
  type EventEntry,
  type EventRecord,
  isLineStart,
  LineScanner,
  NOT_LINE_START,
  type OnSkip,
  parseRecordLine,
  TOO_LONG,
} from '@fipc/core';

const readAsync = promisify(read);

/** What a catch-up read needs of the stream's options. */
export interface LogReaderOptions {
  maxLineBytes: number;
  onSkip: OnSkip | undefined;
}

/**
 * A client's own reader of one log file, from its resume point on, one chunk per `read()` so the client paces
 * it. Lines go through core's `LineScanner`, so a line over `maxLineBytes` is skipped exactly as the shared
 * follower skips it. Reading from a descriptor (not a path) keeps every offset about the file whose epoch was
 * checked.
 *
 * Memory: a line longer than a chunk is looked ahead before it is held. A complete line within the limit is
 * held whole (it is a record to send); a longer one is skipped at once; an unfinished one (no newline before
 * the end of the file) is left to be read again later. So a client holds at most two chunks of a line it will
 * not send, however many clients catch up over a huge unfinished line.
 */
export class LogReader {
  #scanner: LineScanner;
  #read: number;
  #atEnd = false;
  /** The start of the last line found complete or too long by a look-ahead. */
  #lookedAhead = -1;
  readonly #buffer = Buffer.allocUnsafe(CHUNK_BYTES);

  constructor(
    readonly fd: number,
    position: number,
    private readonly path: string,
    private readonly options: LogReaderOptions,
  ) {
    this.#read = position;
    this.#scanner = this.#scannerAt(position);
  }

  /** Where the next complete line starts: what a resume or the shared follower continues from. */
  get position(): number {
    return this.#scanner.lineStart;
  }

  /** The records of the next chunk (possibly none), or `undefined` at the end of what can be read now. */
  async read(): Promise<EventEntry[] | undefined> {
    if (this.#atEnd && !this.#scanner.stillMatches(this.fd)) {
      // Rewritten under the unfinished line we hold while we waited at the end: read that line again.
      this.#restart(this.#scanner.lineStart);
    }
    const { bytesRead } = await readAsync(this.fd, this.#buffer, 0, CHUNK_BYTES, this.#read);
    this.#atEnd = bytesRead === 0;
    if (this.#atEnd) return undefined;
    const chunk = this.#buffer.subarray(0, bytesRead);
    const chunkStart = this.#read;
    this.#read += bytesRead;
    const entries: EventEntry[] = [];
    const onLine = (line: Buffer, offset: number) => {
      const entry = parseRecordLine(line, offset, this.options.onSkip, this.path);
      if (entry) entries.push(entry);
    };
    const lastNl = chunk.lastIndexOf(10);
    const lineStart = lastNl === -1 ? this.#scanner.lineStart : chunkStart + lastNl + 1;
    const held = this.#read - lineStart; // of the last line, once this chunk is scanned
    if (held <= CHUNK_BYTES || held > this.options.maxLineBytes || lineStart === this.#lookedAhead) {
      this.#scanner.scan(chunk, onLine);
      return entries;
    }
    const fate = await this.#lookAhead(this.options.maxLineBytes - held);
    this.#scanner.scan(chunk.subarray(0, lastNl + 1), onLine);
    if (fate === 'unfinished') {
      this.#restart(lineStart); // dropped unreported: read again (and looked ahead again) when it may be complete
      return entries.length > 0 ? entries : undefined;
    }
    this.#lookedAhead = lineStart;
    if (fate === 'too long') this.#scanner.skipLine(TOO_LONG); // the scanner reports it at its newline
    this.#scanner.scan(chunk.subarray(lastNl + 1), onLine);
    return entries;
  }

  /** Whether a newline comes within `bytes` after what was read, without holding what is in between. */
  async #lookAhead(bytes: number): Promise<'complete' | 'too long' | 'unfinished'> {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let at = this.#read, end = this.#read + bytes + 1; at < end; ) {
      const length = Math.min(CHUNK_BYTES, end - at);
      const { bytesRead } = await readAsync(this.fd, buffer, 0, length, at);
      if (bytesRead === 0) return 'unfinished';
      const nl = buffer.subarray(0, bytesRead).indexOf(10);
      if (nl !== -1) return at + nl < end ? 'complete' : 'too long';
      at += bytesRead;
    }
    return 'too long';
  }

  #restart(position: number): void {
    this.#read = position;
    this.#scanner = this.#scannerAt(position);
  }

  #scannerAt(position: number): LineScanner {
    const { maxLineBytes, onSkip } = this.options;
    const scanner = new LineScanner(position, { maxLineBytes, onSkip, path: this.path });
    if (!isLineStart(this.fd, position)) scanner.skipLine(NOT_LINE_START);
    return scanner;
  }
}

/**
 * The record on the line that ends just before `end` (which must follow a newline), if it is one. Reads back a
 * chunk at a time, never more than `maxLineBytes`: a longer line is skipped by every reader, so it is no record.
 */
export function recordBefore(fd: number, end: number, maxLineBytes: number): EventRecord | undefined {
  const parts: Buffer[] = [];
  let length = 0;
  for (let to = end - 1; to > 0; ) {
    const from = Math.max(0, to - CHUNK_BYTES);
    const chunk = Buffer.allocUnsafe(to - from);
    const bytesRead = readSync(fd, chunk, 0, chunk.length, from);
    const nl = chunk.subarray(0, bytesRead).lastIndexOf(10);
    parts.unshift(chunk.subarray(nl + 1, bytesRead));
    length += bytesRead - nl - 1;
    if (length > maxLineBytes) return undefined;
    if (nl !== -1) break;
    to = from;
  }
  return parseRecordLine(Buffer.concat(parts), 0)?.record;
}
