import { closeSync, constants } from 'node:fs';
import { FipcError, openRegularSync, readEpoch } from '@fipc/core';
import { listSegments } from '@fipc/events';
import { readError } from './errors.js';

/** A file of a rotated log open for a client: the live file (`segment` undefined) or a retained segment. */
export interface LogFile {
  fd: number;
  segment: number | undefined;
}

/**
 * The first retained segment after `after` (any, when `after` is undefined), else the live file; `undefined`
 * when there is neither. The live file is opened first, so that a rotation racing with this call shows in
 * the listing of segments that follows and no segment is passed over.
 */
export function openNext(path: string, after: number | undefined): LogFile | undefined {
  const live = openLog(path);
  for (const segment of listSegments(path)) {
    if (after !== undefined && segment.number <= after) continue;
    const fd = openSegment(segment.path);
    if (fd === undefined) continue; // deleted by retention meanwhile
    if (live !== undefined) closeSync(live);
    return { fd, segment: segment.number };
  }
  return live === undefined ? undefined : { fd: live, segment: undefined };
}

/**
 * The live file or the retained segment whose epoch is `epoch` (newest first: a resume is usually recent),
 * or `undefined`: an id of a segment that retention deleted, or of another log.
 */
export function openByEpoch(path: string, epoch: string): LogFile | undefined {
  const live = openLog(path);
  if (live !== undefined) {
    if (epochOf(live) === epoch) return { fd: live, segment: undefined };
    closeSync(live);
  }
  for (const segment of listSegments(path).reverse()) {
    const fd = openSegment(segment.path);
    if (fd === undefined) continue;
    if (epochOf(fd) === epoch) return { fd, segment: segment.number };
    closeSync(fd);
  }
  return undefined;
}

function epochOf(fd: number): string | undefined {
  try {
    return readEpoch(fd);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** A segment name that is not a regular file (a planted symlink, a directory) is no segment: passed over. */
function openSegment(path: string): number | undefined {
  try {
    return openLog(path);
  } catch (error) {
    if (error instanceof FipcError && error.code === 'NOT_A_FILE') return undefined;
    throw error;
  }
}

/**
 * The log's descriptor, or `undefined` while it does not exist. Never follows a symlink nor blocks on a FIFO
 * (one blocked open would stall every client of the process): those throw `NOT_A_FILE`.
 */
export function openLog(path: string): number | undefined {
  try {
    return openRegularSync(path, constants.O_RDONLY);
  } catch (error) {
    if (error instanceof FipcError && error.code === 'NOT_FOUND') return undefined;
    throw readError(error, path);
  }
}
