import { basename, dirname, join } from 'node:path';
import { isJsonObject, readJsonFileSync, writeFileAtomicSync } from '@fipc/core';

/**
 * Where the mirror was in the stream: after the message `seq`, the copy of epoch `epoch` ended at
 * `nextOffset`. Only a hint to start the consumer near the end: the copy's size is the truth, and a lagging
 * checkpoint only makes the mirror skip messages it already has.
 */
export interface Checkpoint {
  epoch: string;
  nextOffset: number;
  seq: number;
}

/** `.<name>.nats.json` beside the copy: hidden, so readers of the directory skip it (PROTOCOL.md 1). */
export const checkpointPath = (path: string) => join(dirname(path), `.${basename(path)}.nats.json`);

/** The checkpoint, if there is a readable one. */
export function readCheckpoint(path: string): Checkpoint | undefined {
  try {
    const value = readJsonFileSync(path, { maxBytes: 4096 });
    if (!isJsonObject(value)) return undefined;
    const { epoch, nextOffset, seq } = value;
    if (typeof epoch !== 'string' || !Number.isSafeInteger(nextOffset) || !Number.isSafeInteger(seq))
      return undefined;
    return { epoch, nextOffset: nextOffset as number, seq: seq as number };
  } catch {
    return undefined;
  }
}

export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  writeFileAtomicSync(path, `${JSON.stringify(checkpoint)}\n`);
}
