import type { EventEntry, EventRecord } from '@fipc/core';

/** A record with its SSE frame. */
export interface Frame {
  entry: EventEntry;
  frame: Buffer;
}

/** What a client wants of the records. */
export interface Selection {
  filter: (record: EventRecord) => boolean;
  terminal: ((record: EventRecord) => boolean) | undefined;
}

/**
 * The frames a client wants from `batch[first..]`, up to and including the first terminal record. `taken` is
 * how many records of the batch were looked at; `all` tells that the frames are the whole batch, so its one
 * shared buffer can be written instead.
 */
export function selectFrames(
  batch: readonly Frame[],
  first: number,
  { filter, terminal }: Selection,
): { frames: Buffer[]; taken: number; all: boolean; terminal: boolean } {
  const frames: Buffer[] = [];
  let all = first === 0;
  let taken = first;
  while (taken < batch.length) {
    const { entry, frame } = batch[taken++]!;
    const isTerminal = terminal?.(entry.record) ?? false;
    if (isTerminal || filter(entry.record)) frames.push(frame);
    else all = false;
    if (isTerminal) return { frames, taken, all, terminal: true };
  }
  return { frames, taken, all, terminal: false };
}
