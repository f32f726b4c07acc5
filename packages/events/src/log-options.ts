import { basename, dirname, resolve } from 'node:path';
import { type Durability, durabilityOption } from '@fipc/core';
import { EventLogError } from './errors.js';
import type { RotationOptions } from './rotation.js';
import type { EventSchemas } from './schemas.js';

/**
 * Options of {@link openEventLog}.
 *
 * @example
 * const options: EventLogOptions<{ progress: typeof Progress }> = {
 *   instanceId: 'run-1',
 *   events: { progress: Progress },
 *   durability: 'fsync',
 * };
 */
export interface EventLogOptions<E extends EventSchemas = EventSchemas> {
  /**
   * Written as every record's `instance_id`.
   * @default the name of the directory that holds the log
   */
  instanceId?: string;
  /** Typed events: only these types may be emitted, and each one's `data` is validated before writing. */
  events?: E;
  /**
   * `'none'`: each record is one `write()` on an `O_APPEND` descriptor, visible to readers at once, not
   * synced. `'fsync'`: `emit` resolves only once the record is on disk; concurrent emits share one sync.
   * @default 'none'
   */
  durability?: Durability;
  /**
   * Largest record accepted, in bytes including its newline; larger ones are refused and nothing is written.
   * @default 1 MiB
   */
  maxRecordBytes?: number;
  /**
   * Permission bits for a log this call creates.
   * @default 0o644
   */
  mode?: number;
  /** Rotate the log by size or age (PROTOCOL.md 2.6); `rotate()` rotates at any time. @default never by itself */
  rotation?: RotationOptions;
}

/** The options of an open log, checked. */
export interface LogSettings {
  file: string;
  instanceId: string;
  durability: Durability;
  maxRecordBytes: number;
  mode: number;
  schemas: EventSchemas | undefined;
  rotation: RotationOptions | undefined;
}

const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

/** Checks the options before anything is touched; throws `INVALID_OPTIONS`. */
export function logSettings(path: string, options: EventLogOptions): LogSettings {
  const file = resolve(path);
  const { maxRecordBytes = DEFAULT_MAX_RECORD_BYTES, mode = 0o644, events } = options;
  const instanceId = options.instanceId ?? basename(dirname(file));
  const invalid = (message: string) => new EventLogError('INVALID_OPTIONS', message, { path: file });
  if (!Number.isSafeInteger(maxRecordBytes) || maxRecordBytes < 2)
    throw invalid(`maxRecordBytes must be an integer >= 2, not ${maxRecordBytes}`);
  if (typeof instanceId !== 'string') throw invalid('instanceId must be a string');
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw invalid(`mode must be permission bits`);
  let durability: Durability;
  try {
    durability = durabilityOption(options.durability);
  } catch (error) {
    throw EventLogError.from(error, file);
  }
  const { rotation } = options;
  for (const key of ['maxBytes', 'maxAgeMs', 'maxSegments'] as const) {
    const value = rotation?.[key];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1))
      throw invalid(`rotation.${key} must be an integer >= 1, not ${value}`);
  }
  return { file, instanceId, durability, maxRecordBytes, mode, schemas: events, rotation };
}
