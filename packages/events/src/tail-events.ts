import type { Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ChangeHints } from './change-hints.js';
import { type EventEntry, LineScanner, type ReaderOptions } from './line-scanner.js';
import { alignToLine, readChunks } from './read-chunks.js';

/**
 * Why a follower started over at offset 0 of the log.
 * `truncated`: the file shrank below the read position. `rotated`: the path now names another file (the old one
 * was drained first).
 */
export interface TailReset {
  reason: 'truncated' | 'rotated';
  /** The read position in the previous file when the reset was seen. */
  previousOffset: number;
}

/**
 * Options of {@link tailEvents}.
 *
 * @example
 * const controller = new AbortController();
 * const options: TailEventsOptions = { from: 'end', signal: controller.signal, pollMs: 1_000 };
 */
export interface TailEventsOptions extends ReaderOptions {
  /**
   * `'start'`, `'end'` (the end of the last complete line), or a byte offset such as an entry's `nextOffset`.
   * @default 'start'
   */
  from?: 'start' | 'end' | number;
  /** Ends the iteration quietly, even while it waits for data. The only way to stop a waiting follower. */
  signal?: AbortSignal;
  /**
   * Safety poll period in ms: the longest a record can wait when every change notification is lost.
   * @default 500
   */
  pollMs?: number;
  /** Called before the first record of a truncated or replaced log. */
  onReset?: (reset: TailReset) => void;
}

/**
 * Follows a log as it grows, like `tail -F`: yields each complete record once, in order, as soon as its
 * newline is written. Waits for a file that does not exist yet; buffers a partial line until its newline;
 * starts over at 0 on truncation and on rotation (after draining the old file), telling `onReset`.
 * Runs until `signal` aborts.
 *
 * @example
 * const controller = new AbortController();
 * for await (const { record } of tailEvents('run/events.jsonl', { signal: controller.signal })) {
 *   if (record.event_type === 'completed') controller.abort();
 * }
 */
export async function* tailEvents(path: string, options: TailEventsOptions = {}): AsyncGenerator<EventEntry> {
  const file = resolve(path);
  const { signal, onReset } = options;
  const hints = new ChangeHints(file, options.pollMs ?? 500, signal);
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let from = options.from ?? 'start';
  let handle: FileHandle | undefined;
  let identity: Stats | undefined;
  let position = 0;
  let scanner = new LineScanner(0, options);
  try {
    while (!signal?.aborted) {
      await hints.wait();
      if (signal?.aborted) return;
      if (!handle) {
        handle = await open(file, 'r').catch(() => undefined);
        if (!handle) continue;
        identity = await handle.stat();
        hints.watchFile();
        position = await startPosition(handle, from, identity.size, options);
        from = 'start';
        scanner = new LineScanner(position, options);
      }
      const reader = readChunks(handle, position, scanner, buffer);
      for (let step = await reader.next(); ; step = await reader.next()) {
        if (step.done) {
          position = step.value;
          break;
        }
        for (const entry of step.value) {
          if (signal?.aborted) return;
          yield entry;
        }
      }
      const current = await stat(file).catch(() => undefined);
      const reset: TailReset['reason'] | undefined =
        current && (current.ino !== identity?.ino || current.dev !== identity.dev)
          ? 'rotated'
          : (await handle.stat()).size < position
            ? 'truncated'
            : undefined;
      if (!reset) continue;
      scanner.reset(0, `log ${reset} before the line ended`);
      onReset?.({ reason: reset, previousOffset: position });
      position = 0;
      if (reset === 'rotated') {
        await handle.close();
        handle = undefined;
      }
      hints.watchFile();
      hints.hint(); // the new content may already be there: read it without waiting
    }
  } finally {
    hints.close();
    await handle?.close();
  }
}

async function startPosition(
  handle: FileHandle,
  from: 'start' | 'end' | number,
  size: number,
  options: ReaderOptions,
): Promise<number> {
  if (from === 'start') return 0;
  if (from === 'end') return lastLineEnd(handle, size);
  const { position, skipped } = await alignToLine(handle, Math.min(from, size));
  if (skipped > 0)
    options.onCorrupt?.({ offset: from, length: skipped - 1, reason: 'from is not a line start' });
  return position;
}

/** The offset just past the last newline before `size`: 'end' must not start inside a line being written. */
async function lastLineEnd(handle: FileHandle, size: number): Promise<number> {
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - buffer.length);
    const { bytesRead } = await handle.read(buffer, 0, end - start, start);
    const nl = buffer.subarray(0, bytesRead).lastIndexOf(10);
    if (nl !== -1) return start + nl + 1;
    end = start;
  }
  return 0;
}
