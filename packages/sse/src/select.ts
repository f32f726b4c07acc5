import type { EventEntry, OnSkip } from '@fipc/core';
import type { ResolvedRecordOptions } from './record-options.js';

/** A record with its SSE frame. */
export interface Frame {
  entry: EventEntry;
  frame: Buffer;
}

/** What a client wants of the records, and where they come from (for `onSkip`). */
export interface Selection extends Pick<ResolvedRecordOptions, 'filter' | 'isTerminal' | 'check' | 'encode'> {
  onSkip: OnSkip | undefined;
}

/**
 * The frames a client wants from `batch[first..]`, up to and including the first terminal record. `taken` is
 * how many records of the batch were looked at; `all` tells that the frames are the whole batch as the
 * follower encoded it, so its one shared buffer can be written instead.
 */
export function selectFrames(
  batch: readonly Frame[],
  first: number,
  { filter, isTerminal, check, encode, onSkip }: Selection,
  path: string,
): { frames: Buffer[]; taken: number; all: boolean; terminal: boolean } {
  const frames: Buffer[] = [];
  let all = first === 0 && encode === undefined;
  let taken = first;
  while (taken < batch.length) {
    const { entry, frame } = batch[taken++]!;
    const record = check ? check(entry, onSkip, path) : entry.record;
    if (record === undefined) {
      all = false;
      continue;
    }
    const terminal = isTerminal?.(record) ?? false;
    if (terminal || filter(record)) {
      const sent = encode ? encode(record, frameId(frame)) : frame;
      if (sent) frames.push(sent);
      else all = false;
    } else all = false;
    if (terminal) return { frames, taken, all, terminal: true };
  }
  return { frames, taken, all, terminal: false };
}

/** The id of a record frame, which always starts with `id: <id>\n` (see `recordFrame`). */
const frameId = (frame: Buffer): string => frame.toString('latin1', 4, frame.indexOf(10));
