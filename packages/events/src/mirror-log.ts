import { constants, fstatSync, mkdirSync, readSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  ChangeHints,
  DEFAULT_POLL_MS,
  type Durability,
  durabilityOption,
  fsError,
  positiveMs,
  readEpoch,
} from '@fipc/core';
import { EventLogError } from './errors.js';
import { checkpointPath, readCheckpoint, resumePoint, saveCheckpoint } from './mirror-checkpoint.js';
import { LineCopier } from './mirror-copy.js';
import { type OpenedFile, openRegular, replacedAtPath } from './open-file.js';

/**
 * Why a mirror started copying its source over from offset 0 (appending it to what the destination has).
 *
 * @example
 * mirrorLog(source, destination, { onReset: ({ reason }: MirrorReset) => console.warn(`source ${reason}`) });
 */
export interface MirrorReset {
  /** `truncated`: the source shrank or its first line changed; `replaced`: the path names another log. */
  reason: 'truncated' | 'replaced';
  /** The source offset copied up to when the reset was seen. */
  previousOffset: number;
}

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
   * @default DEFAULT_POLL_MS (500)
   */
  pollMs?: number;
  /**
   * `'fsync'`: the destination is synced before each checkpoint, and the checkpoint is written durably.
   * @default 'none'
   */
  durability?: Durability;
  /** Called when the source was truncated or replaced and copying starts over at its offset 0. */
  onReset?: (reset: MirrorReset) => void;
}

const APPEND = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT;

/**
 * Mirrors the log `source` (e.g. inside a container's volume) to `destination` on the host, like the
 * original's monitor: whole lines only, incrementally by byte offset, waiting for a missing source, without
 * blocking the event loop however large the backlog. Progress is kept in a hidden checkpoint beside the
 * destination (`.<name>.mirror.json`, replaced atomically); a restart resumes exactly where the last copy
 * ended, even after a crash between a copy and its checkpoint. When the source is truncated or replaced (its
 * epoch, the hash of its first line, changes), the destination keeps what it has and the new source is
 * appended from its start, so the mirror is a complete history. Resolves when `signal` aborts; rejects with an
 * {@link EventLogError} (`NOT_A_FILE` for a symlink, directory or FIFO at either path; `DISK_FULL`,
 * `NOT_FOUND`, `IO_ERROR`, `INVALID_OPTIONS`).
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
  let pollMs: number;
  let durability: Durability;
  try {
    pollMs = positiveMs('pollMs', options.pollMs, DEFAULT_POLL_MS);
    durability = durabilityOption(options.durability);
  } catch (error) {
    throw EventLogError.from(error);
  }
  const out = await openDestination(to);
  const checkpointFile = checkpointPath(to);
  const hints = new ChangeHints(from, pollMs, signal);
  let input: OpenedFile | undefined;
  try {
    const copier = new LineCopier(from, out.handle, to, lastByte(out));
    let { epoch, offset } = await resumePoint(readCheckpoint(checkpointFile), out, from);
    // Whether the checkpoint may not describe how the destination's end maps to the source now.
    let stale = true;
    const save = async () => {
      if (durability === 'fsync') await out.handle.datasync();
      const destinationSize = fstatSync(out.handle.fd).size;
      await saveCheckpoint(checkpointFile, { epoch: epoch!, offset, destinationSize }, durability);
    };
    const restart = (reason: MirrorReset['reason'], next: string | undefined) => {
      onReset?.({ reason, previousOffset: offset });
      epoch = next;
      offset = 0;
      stale = true;
    };
    while (!signal?.aborted) {
      await hints.wait();
      if (signal?.aborted) break;
      const reopened = input === undefined;
      input ??= await openRegular(from);
      if (!input) continue;
      // A new epoch on the same file means it was truncated and rewritten; on a newly opened one (at start
      // or after a rotation), that the source is another log than the checkpoint's.
      const current = readEpoch(input.handle.fd);
      const otherLog = current !== undefined && epoch !== undefined && current !== epoch;
      if (reopened && otherLog) restart('replaced', current);
      else if (otherLog || fstatSync(input.handle.fd).size < offset) restart('truncated', current);
      epoch ??= current;
      if (epoch === undefined) continue; // no complete first line yet
      if (stale) {
        // Before copying: never glue two logs' lines, and let a crash in the copy resume in this epoch.
        if (offset === 0) await copier.separate();
        await save();
        stale = false;
      }
      // Copy every complete line there is (the rest of the old file first, when the path now names another).
      const rotated = replacedAtPath(from, input.stats);
      const reached = await copier.copy(input.handle, offset, signal);
      if (reached !== offset) {
        offset = reached;
        await save();
      }
      if (rotated && !signal?.aborted) {
        await input.handle.close();
        input = undefined;
        hints.hint();
      }
    }
  } catch (error) {
    throw EventLogError.from(error, from);
  } finally {
    hints.close();
    await input?.handle.close();
    await out.handle.close();
  }
}

/** Opens (creating it and its directory if needed) the destination for appending: a regular file only. */
async function openDestination(path: string): Promise<OpenedFile> {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw EventLogError.from(fsError(error, path, 'cannot create the directory of'));
  }
  const out = await openRegular(path, APPEND, 0o644);
  if (!out) throw new EventLogError('NOT_FOUND', `the directory of ${path} vanished`, { path });
  return out;
}

function lastByte({ handle, stats }: OpenedFile): number | undefined {
  const byte = Buffer.alloc(1);
  return stats.size > 0 && readSync(handle.fd, byte, 0, 1, stats.size - 1) === 1 ? byte[0] : undefined;
}
