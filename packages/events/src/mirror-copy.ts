import type { FileHandle } from 'node:fs/promises';
import { fsError } from '@fipc/core';
import { EventLogError } from './errors.js';

/** The copy buffer: 1 MiB, so a backlog costs few reads and writes. */
const COPY_BYTES = 1024 * 1024;
const NEWLINE = Buffer.from('\n');

/** Copies whole lines from one log to the end of another; every read and write gives the event loop a turn. */
export class LineCopier {
  /** Whether the destination ends with a newline (or is empty): the next line starts on a line of its own. */
  endsWithNewline: boolean;
  readonly #buffer = Buffer.allocUnsafe(COPY_BYTES);
  #source: FileHandle | undefined;
  /** Where the last search for the end of a long line stopped: `[start, to)` of the source has no newline. */
  #searched = { start: -1, to: -1 };

  constructor(
    private readonly sourcePath: string,
    private readonly destination: FileHandle,
    private readonly destinationPath: string,
    lastByte: number | undefined,
  ) {
    this.endsWithNewline = lastByte === undefined || lastByte === 10;
  }

  /**
   * Appends the source's complete lines from `offset` and returns the offset reached. An unfinished last line
   * is left for later, however long: the destination only gets lines whose newline exists.
   */
  async copy(source: FileHandle, offset: number, signal?: AbortSignal): Promise<number> {
    if (source !== this.#source) this.#searched = { start: -1, to: -1 };
    this.#source = source;
    const buffer = this.#buffer;
    while (!signal?.aborted) {
      const bytesRead = await this.#read(offset, buffer.length);
      const end = buffer.subarray(0, bytesRead).lastIndexOf(10) + 1;
      if (end > 0) {
        await this.#write(buffer.subarray(0, end));
        offset += end;
        if (bytesRead < buffer.length) return offset; // the rest is an unfinished line
        continue;
      }
      if (bytesRead < buffer.length) return offset;
      // A line longer than the buffer: copied in pieces, once its newline exists.
      const lineEnd = await this.#lineEnd(offset, offset + bytesRead);
      if (lineEnd === undefined) return offset;
      while (offset < lineEnd) {
        const n = await this.#read(offset, Math.min(buffer.length, lineEnd - offset));
        if (n === 0) return offset; // truncated under us: the caller sees it
        await this.#write(buffer.subarray(0, n));
        offset += n;
      }
    }
    return offset;
  }

  /** Ends the destination's last line if it is unfinished, so that the next log's lines are never glued to it. */
  async separate(): Promise<void> {
    if (!this.endsWithNewline) await this.#write(NEWLINE);
  }

  /** Where the line starting at `start` ends (just past its newline), searching from `from`; none yet: undefined. */
  async #lineEnd(start: number, from: number): Promise<number | undefined> {
    if (this.#searched.start === start) from = Math.max(from, this.#searched.to);
    for (;;) {
      const bytesRead = await this.#read(from, this.#buffer.length);
      const nl = this.#buffer.subarray(0, bytesRead).indexOf(10);
      if (nl !== -1) return from + nl + 1;
      if (bytesRead === 0) {
        this.#searched = { start, to: from };
        return undefined;
      }
      from += bytesRead;
    }
  }

  async #read(position: number, length: number): Promise<number> {
    try {
      return (await this.#source!.read(this.#buffer, 0, length, position)).bytesRead;
    } catch (error) {
      throw EventLogError.from(fsError(error, this.sourcePath, 'cannot read'));
    }
  }

  async #write(bytes: Buffer): Promise<void> {
    try {
      for (let at = 0; at < bytes.length; )
        at += (await this.destination.write(bytes, at, bytes.length - at)).bytesWritten;
    } catch (error) {
      throw EventLogError.from(fsError(error, this.destinationPath, 'cannot write'));
    }
    this.endsWithNewline = bytes[bytes.length - 1] === 10;
  }
}
