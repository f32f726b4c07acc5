import { writeFileAtomic } from '@fipc/core';
import { StateError } from './errors.js';
import { parseSnapshot } from './snapshot.js';
import { atomicOptions, type WriteStateOptions } from './write-state.js';

/**
 * Options of {@link writeStateBytes}: those of `writeState` that concern the file.
 *
 * @example
 * const options: WriteStateBytesOptions = { durability: 'fsync' };
 */
export type WriteStateBytesOptions = Pick<WriteStateOptions, 'durability' | 'mode' | 'staleTempMs'>;

/**
 * Replaces the snapshot at `path` with `bytes` as they are: a snapshot another writer made, copied byte for
 * byte (a mirror of another host's `state.json`), its `instance_id` and `updated_at` untouched. The bytes must be
 * one snapshot (strict UTF-8 JSON, an object with string `instance_id` and `updated_at`), else nothing is written
 * (`INVALID_JSON`, `SCHEMA_MISMATCH`). Written like {@link writeState}: a temp file renamed over the target, so
 * readers see the old snapshot or this one. Rejects with a {@link StateError}: `INVALID_JSON`,
 * `SCHEMA_MISMATCH`, `NOT_A_FILE`, `DISK_FULL`, `IO_ERROR`, `INVALID_OPTIONS`.
 *
 * @example
 * await writeStateBytes('replica/run-1/state.json', bytesFromTheOtherHost, { durability: 'fsync' });
 */
export async function writeStateBytes(
  path: string,
  bytes: Uint8Array,
  options: WriteStateBytesOptions = {},
): Promise<void> {
  parseSnapshot(path, bytes);
  const atomic = atomicOptions(path, options);
  try {
    await writeFileAtomic(path, bytes, atomic);
  } catch (error) {
    throw StateError.from(error, path);
  }
}
