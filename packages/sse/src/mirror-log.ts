import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ChangeHints } from '@fipc/events';
import { SseError } from './errors.js';
import { readEpoch } from './event-id.js';
import { openLog } from './prepare.js';

/**
 * Options of {@link mirrorLog}.
 *
 * @example
 * const options: MirrorLogOptions = { signal: AbortSignal.timeout(60_000), pollMs: 250 };
 */
export interface MirrorLogOptions {
  /** Stops the mirror; the promise then resolves. */
  signal?: AbortSignal;
  /**
   * Safety poll period in ms (change notifications are only hints, and absent on some mounts).
   * @default 500
   */
  pollMs?: number;
  /** Called when the source was truncated or replaced and copying starts over at its offset 0. */
  onReset?: (reset: { reason: 'truncated' | 'replaced'; previousOffset: number }) => void;
}

interface Checkpoint {
  epoch: string;
  /** Source offset copied up to. */
  offset: number;
  /** Destination size right after that copy. */
  destinationSize: number;
}

const CHUNK_BYTES = 1024 * 1024;

/**
 * Mirrors the log `source` (e.g. inside a container's volume) to `destination` on the host, like the original's
 * monitor: whole lines, incrementally by byte offset, waiting for a missing source. The progress is kept in a
 * hidden checkpoint file beside the destination (`.<name>.mirror.json`); a restart resumes exactly where the
 * last copy ended, even after a crash between a copy and its checkpoint (bytes appended since the checkpoint
 * are counted as copied). When the source is truncated or replaced (its epoch, the hash of its first line,
 * changes), the destination keeps what it has and the new source is appended from its start, so the mirror
 * is a complete history. Resolves when `signal` aborts; rejects with `MIRROR_FAILED` on an I/O error.
 *
 * @example
 * const controller = new AbortController();
 * void mirrorLog('/var/lib/docker/volumes/run-1/_data/events.jsonl', 'runs/run-1/events.jsonl', {
 *   signal: controller.signal,
 * });
 */
export async function mirrorLog(
  source: string,
  destination: string,
  options: MirrorLogOptions = {},
): Promise<void> {
  const from = resolve(source);
  const to = resolve(destination);
  const { signal, onReset } = options;
  const checkpointPath = join(dirname(to), `.${basename(to)}.mirror.json`);
  mkdirSync(dirname(to), { recursive: true });
  const out = openSync(to, 'a+');
  const wake = new ChangeHints(from, options.pollMs ?? 500, signal);
  let fd: number | undefined;
  try {
    let { epoch, offset } = resumePoint(checkpointPath, out, from);
    let endsWithNewline = [undefined, 0x0a].includes(lastByte(out));
    const restart = (reason: 'truncated' | 'replaced', newEpoch: string | undefined) => {
      onReset?.({ reason, previousOffset: offset });
      epoch = newEpoch;
      offset = 0;
    };
    while (!signal?.aborted) {
      await wake.wait();
      if (signal?.aborted) break;
      const reopened = fd === undefined;
      if (fd === undefined) {
        fd = openLog(from);
        if (fd === undefined) continue;
        wake.watchFile();
      }
      // A new epoch on the same file means it was truncated and rewritten; on a newly opened one (at start
      // or after a rotation), that the source is another log than the checkpoint's.
      const current = readEpoch(fd);
      const otherLog = current !== undefined && epoch !== undefined && current !== epoch;
      if (reopened && otherLog) restart('replaced', current);
      else if (otherLog || fstatSync(fd).size < offset) restart('truncated', current);
      epoch ??= current;
      // Copy every complete line there is (the rest of the old file first, when the path now names another).
      while (epoch !== undefined) {
        const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
        const bytesRead = readSync(fd, chunk, 0, CHUNK_BYTES, offset);
        const lineEnd = chunk.subarray(0, bytesRead).lastIndexOf(0x0a) + 1;
        const end = lineEnd > 0 ? lineEnd : bytesRead === CHUNK_BYTES ? bytesRead : 0; // a huge line: in pieces
        if (end === 0) break;
        if (!endsWithNewline && offset === 0) writeAll(out, Buffer.from('\n')); // never glue two logs' lines
        writeAll(out, chunk.subarray(0, end));
        endsWithNewline = chunk[end - 1] === 0x0a;
        offset += end;
        saveCheckpoint(checkpointPath, { epoch, offset, destinationSize: fstatSync(out).size });
      }
      if (replacedAtPath(from, fd)) {
        closeSync(fd);
        fd = undefined;
        wake.hint();
      }
    }
  } catch (error) {
    throw new SseError('MIRROR_FAILED', `could not mirror ${from} to ${to}`, { cause: error });
  } finally {
    wake.close();
    if (fd !== undefined) closeSync(fd);
    closeSync(out);
  }
}

/** Where to continue: the checkpoint plus whatever reached the destination after it was written. */
function resumePoint(
  checkpointPath: string,
  out: number,
  source: string,
): { epoch?: string; offset: number } {
  const size = fstatSync(out).size;
  let checkpoint: Checkpoint | undefined;
  try {
    checkpoint = JSON.parse(readFileSync(checkpointPath, 'utf8'));
  } catch {
    checkpoint = undefined;
  }
  if (checkpoint && size >= checkpoint.destinationSize)
    return { epoch: checkpoint.epoch, offset: checkpoint.offset + size - checkpoint.destinationSize };
  // No usable checkpoint: a destination that starts like the source is a copy of its first `size` bytes.
  const fd = openLog(source);
  if (fd === undefined) return { offset: 0 };
  try {
    const epoch = readEpoch(fd);
    return epoch !== undefined && epoch === readEpoch(out) && fstatSync(fd).size >= size
      ? { epoch, offset: size }
      : { offset: 0 };
  } finally {
    closeSync(fd);
  }
}

/** The path now names another file than `fd` (or none): the old one is finished once drained. */
function replacedAtPath(path: string, fd: number): boolean {
  try {
    const now = statSync(path);
    const open = fstatSync(fd);
    return now.ino !== open.ino || now.dev !== open.dev;
  } catch {
    return false; // deleted: keep draining the open file until another appears
  }
}

function saveCheckpoint(path: string, checkpoint: Checkpoint): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(checkpoint));
  renameSync(temp, path);
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
}

function lastByte(fd: number): number | undefined {
  const size = fstatSync(fd).size;
  if (size === 0) return undefined;
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, size - 1);
  return byte[0];
}
