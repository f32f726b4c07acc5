import { basename, dirname, join } from 'node:path';
import { type Durability, readEpoch, readJsonFileSync, toJson, writeFileAtomic } from '@fipc/core';
import { type OpenedFile, openRegular } from './open-file.js';

/** How far a mirror got: kept beside the destination as `.<name>.mirror.json`. */
export interface Checkpoint {
  /** The source's epoch (the hash of its first line) the offset belongs to. */
  epoch: string;
  /** Source offset copied up to. */
  offset: number;
  /** Destination size right after that copy. */
  destinationSize: number;
}

/** The checkpoint file of a mirror to `destination`. */
export const checkpointPath = (destination: string): string =>
  join(dirname(destination), `.${basename(destination)}.mirror.json`);

/** The checkpoint, or `undefined` when there is none or it is unreadable (the mirror then looks at the files). */
export function readCheckpoint(path: string): Checkpoint | undefined {
  let value: unknown;
  try {
    value = readJsonFileSync(path, { maxBytes: 4096 });
  } catch {
    return undefined;
  }
  const { epoch, offset, destinationSize } = (value ?? {}) as Partial<Checkpoint>;
  return typeof epoch === 'string' && Number.isSafeInteger(offset) && Number.isSafeInteger(destinationSize)
    ? { epoch, offset: offset!, destinationSize: destinationSize! }
    : undefined;
}

/** Replaces the checkpoint atomically (an exclusive temp file renamed over it; synced with `'fsync'`). */
export async function saveCheckpoint(
  path: string,
  checkpoint: Checkpoint,
  durability: Durability,
): Promise<void> {
  await writeFileAtomic(path, toJson(checkpoint), { durability, mode: 0o644 });
}

/**
 * Where a mirror continues: the checkpoint plus whatever reached the destination after it was written (a crash
 * between a copy and its checkpoint). Without a usable checkpoint, a destination that starts like the source
 * (the same epoch) is a copy of its first bytes.
 */
export async function resumePoint(
  checkpoint: Checkpoint | undefined,
  destination: OpenedFile,
  source: string,
): Promise<{ epoch?: string; offset: number }> {
  const { size } = destination.stats;
  if (checkpoint && size >= checkpoint.destinationSize)
    return { epoch: checkpoint.epoch, offset: checkpoint.offset + size - checkpoint.destinationSize };
  const from = await openRegular(source);
  if (!from) return { offset: 0 };
  try {
    const epoch = readEpoch(from.handle.fd);
    return epoch !== undefined && epoch === readEpoch(destination.handle.fd) && from.stats.size >= size
      ? { epoch, offset: size }
      : { offset: 0 };
  } finally {
    await from.handle.close();
  }
}
