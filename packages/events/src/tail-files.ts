import { readEpoch } from '@fipc/core';
import { EventLogError } from './errors.js';
import { type OpenedFile, openRegular } from './open-file.js';
import { listSegments } from './segments.js';

/**
 * A place in a log that may have been rotated: the `epoch` of the file (PROTOCOL.md 5.1, the hash of its
 * first line, which an SSE event id carries) and a byte offset in it, normally an entry's `nextOffset`.
 *
 * @example
 * let resume: TailPosition | undefined;
 * tailEvents(path, { from: resume, onFile: ({ epoch }) => (current = epoch) });
 */
export interface TailPosition {
  epoch: string;
  offset: number;
}

/**
 * A file a follower starts reading, as told to `onFile`.
 *
 * @example
 * tailEvents(path, { onFile: ({ epoch, path }: TailFile) => console.log(`reading ${path} (${epoch})`) });
 */
export interface TailFile {
  /** The file's epoch: with an entry's `nextOffset` it makes a {@link TailPosition} that `from` resumes at. */
  epoch: string;
  /** The file's path when it was opened: the log's own path, or a segment's. */
  path: string;
}

/** A file a follower reads, and what it knows of its place in the log. */
export interface TailedFile {
  log: OpenedFile;
  path: string;
  /** `true` while the file is (believed to be) the one at the log's path. */
  live: boolean;
  /** Its segment number, once it is known to be a segment. */
  segment: number | undefined;
  /** When the follower saw it leave the path (0 when it was opened as a segment). */
  seenAt: number;
}

const liveFile = (log: OpenedFile, path: string): TailedFile => ({
  log,
  path,
  live: true,
  segment: undefined,
  seenAt: 0,
});

/**
 * The first file a segment after `after` names (all of them when `after` is undefined), else the live file;
 * `undefined` when there is neither. The live file is opened first: a rotation racing with this call then
 * shows in the listing that follows, so no segment is passed over.
 */
export async function openFrom(file: string, after: number | undefined): Promise<TailedFile | undefined> {
  const live = await openRegular(file);
  for (const segment of listSegments(file)) {
    if (after !== undefined && segment.number <= after) continue;
    const log = await openSegment(segment.path);
    if (!log) continue; // deleted by retention meanwhile
    await live?.handle.close();
    return { log, path: segment.path, live: false, segment: segment.number, seenAt: 0 };
  }
  return live && liveFile(live, file);
}

/** The live file alone (`undefined` while nothing is at the path). */
export async function openLive(file: string): Promise<TailedFile | undefined> {
  const live = await openRegular(file);
  return live && liveFile(live, file);
}

/** The live file or the retained segment whose epoch is `epoch`; `undefined` when none has it any more. */
export async function openByEpoch(file: string, epoch: string): Promise<TailedFile | undefined> {
  const live = await openRegular(file);
  if (live && readEpoch(live.handle.fd) === epoch) return liveFile(live, file);
  await live?.handle.close();
  for (const segment of listSegments(file).reverse()) {
    const log = await openSegment(segment.path);
    if (!log) continue;
    if (readEpoch(log.handle.fd) === epoch)
      return { log, path: segment.path, live: false, segment: segment.number, seenAt: 0 };
    await log.handle.close();
  }
  return undefined;
}

/** A segment name that is not a regular file (a planted symlink, a directory) is no segment: passed over. */
async function openSegment(path: string): Promise<OpenedFile | undefined> {
  try {
    return await openRegular(path);
  } catch (error) {
    if (error instanceof EventLogError && error.code === 'NOT_A_FILE') return undefined;
    throw error;
  }
}
