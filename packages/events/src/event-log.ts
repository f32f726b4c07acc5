import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { EventLogError } from './errors.js';
import { GroupCommit } from './group-commit.js';
import { type EventRecord, type JsonObject, SCHEMA_VERSION } from './record.js';

/**
 * A map from event type to the schema of its `data` (zod 4 or any Standard Schema, synchronous).
 *
 * @example
 * import { z } from 'zod';
 * const events = { progress: z.object({ percent: z.number() }), completed: z.object({}) } satisfies EventSchemas;
 */
export type EventSchemas = Record<string, StandardSchemaV1<JsonObject, JsonObject>>;

/**
 * The `data` an event type accepts: its schema's input, or any JSON object for an untyped log.
 *
 * @example
 * type ProgressIn = EventInput<typeof events, 'progress'>; // { percent: number }
 */
export type EventInput<E extends EventSchemas, K extends string> = K extends keyof E
  ? StandardSchemaV1.InferInput<E[K]>
  : JsonObject;

/**
 * The `data` an event type is written with: its schema's output.
 *
 * @example
 * type ProgressOut = EventOutput<typeof events, 'progress'>; // { percent: number }
 */
export type EventOutput<E extends EventSchemas, K extends string> = K extends keyof E
  ? StandardSchemaV1.InferOutput<E[K]>
  : JsonObject;

/**
 * The event types a log accepts: the schema map's keys, or any string when there is no map.
 *
 * @example
 * type Types = EventType<typeof events>; // 'progress' | 'completed'
 */
export type EventType<E extends EventSchemas> = string extends keyof E ? string : keyof E & string;

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
  durability?: 'none' | 'fsync';
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
}

/**
 * What `emit` takes besides the type.
 *
 * @example
 * await log.emit('progress', { phase: 'build', data: { percent: 40 } } satisfies EmitOptions<{ percent: number }>);
 */
export interface EmitOptions<D> {
  /** @default null */
  phase?: string | null;
  /** @default {} */
  data?: D;
}

/**
 * What `emit` wrote.
 *
 * `offset` is counted by this writer: exact while it is the only process appending, since asking the kernel
 * after every write would halve throughput. Readers (`readEvents`, `tailEvents`) always report exact offsets.
 *
 * @example
 * const { record, offset, nextOffset, bytes }: EmittedEvent = await log.emit('started');
 */
export interface EmittedEvent<R extends EventRecord = EventRecord> {
  /** The record as written, with the fields the writer filled in (`timestamp`, `instance_id`, `seq`, ...). */
  record: R;
  /** Byte offset of the first byte of the record's line. */
  offset: number;
  /** Byte offset just past the record's newline. */
  nextOffset: number;
  /** Bytes written, including the newline. */
  bytes: number;
}

/**
 * An open event log; see {@link openEventLog}.
 *
 * @example
 * const log = openEventLog('run/events.jsonl', { instanceId: 'run-1' });
 * await log.emit('started', { phase: 'plan' });
 * await log.close();
 */
export interface EventLog<E extends EventSchemas = EventSchemas> {
  /** The log's absolute path. */
  readonly path: string;
  /** Written as every record's `instance_id`. */
  readonly instanceId: string;
  /**
   * Appends one record. The write happens before `emit` returns, in call order; the promise settles once
   * the record is as durable as the log's `durability` asks. Rejects with {@link EventLogError}
   * (`INVALID_EVENT`, `RECORD_TOO_LARGE`, `LOG_CLOSED`, `DISK_FULL`, `WRITE_FAILED`); nothing is written then.
   */
  emit<K extends EventType<E>>(
    type: K,
    options?: EmitOptions<EventInput<E, K>>,
  ): Promise<EmittedEvent<EventRecord<K, EventOutput<E, K>>>>;
  /** Waits for pending syncs, then closes the descriptor. Later emits reject with `LOG_CLOSED`. */
  close(): Promise<void>;
}

const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Opens (creating it and its directory if needed) an append-only JSONL event log.
 * Several processes may hold the same log open: each record is one `write()` on an `O_APPEND` descriptor, so
 * records never split or interleave. A torn last line left by a crashed writer is closed off with a newline
 * before the first record.
 *
 * @example
 * import { z } from 'zod';
 * const log = openEventLog('run/events.jsonl', {
 *   instanceId: 'run-1',
 *   events: { progress: z.object({ percent: z.number().min(0).max(100) }) },
 * });
 * const { offset } = await log.emit('progress', { phase: 'build', data: { percent: 40 } });
 */
export function openEventLog<E extends EventSchemas = EventSchemas>(
  path: string,
  options: EventLogOptions<E> = {},
): EventLog<E> {
  const file = resolve(path);
  const { durability = 'none', maxRecordBytes = DEFAULT_MAX_RECORD_BYTES } = options;
  if (!Number.isSafeInteger(maxRecordBytes) || maxRecordBytes < 2)
    throw new EventLogError(
      'INVALID_OPTIONS',
      `maxRecordBytes must be an integer >= 2, not ${maxRecordBytes}`,
    );
  if (durability !== 'none' && durability !== 'fsync')
    throw new EventLogError('INVALID_OPTIONS', `durability must be 'none' or 'fsync', not ${durability}`);
  const durable = durability === 'fsync';
  const instanceId = options.instanceId ?? basename(dirname(file));
  if (typeof instanceId !== 'string')
    throw new EventLogError('INVALID_OPTIONS', 'instanceId must be a string');
  const schemas = options.events;

  let fd: number;
  let size: number;
  try {
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(file, 'a+', options.mode ?? 0o644);
  } catch (error) {
    throw new EventLogError('OPEN_FAILED', `could not open ${file}`, { cause: error });
  }
  try {
    size = fstatSync(fd).size;
    if (durable && size === 0) {
      fsyncSync(fd);
      syncDirectory(dirname(file));
    }
  } catch (error) {
    closeSync(fd);
    throw new EventLogError('OPEN_FAILED', `could not open ${file}`, { cause: error });
  }
  let position = size;
  let needsNewline = size > 0 && lastByte(fd, size) !== 10;
  const commit = durable ? new GroupCommit(fd) : undefined;
  let seq = 0;
  let closed: Promise<void> | undefined;

  const fail = (code: EventLogError['code'], message: string, cause?: unknown) =>
    Promise.reject(new EventLogError(code, message, { cause }));

  function emit(type: string, { phase = null, data }: EmitOptions<unknown> = {}) {
    if (closed) return fail('LOG_CLOSED', `event log ${file} is closed`);
    // Readers refuse a record without a non-empty string type: never write one they would skip.
    if (typeof type !== 'string' || type === '')
      return fail('INVALID_EVENT', 'event type must be a non-empty string');
    let value: unknown = data ?? {};
    const schema = schemas && Object.hasOwn(schemas, type) ? schemas[type] : undefined;
    if (schemas && !schema) return fail('INVALID_EVENT', `unknown event type "${type}"`);
    if (schema) {
      let result: ReturnType<(typeof schema)['~standard']['validate']>;
      try {
        result = schema['~standard'].validate(value);
      } catch (error) {
        return fail('INVALID_EVENT', `schema of "${type}" threw while validating`, error);
      }
      if (result instanceof Promise) {
        result.catch(() => {}); // zod answers a throwing refinement with a rejected promise: not ours to raise
        return fail('INVALID_EVENT', `schema of "${type}" is asynchronous or threw while validating`);
      }
      if (result.issues)
        return fail('INVALID_EVENT', `invalid data for "${type}": ${describe(result.issues)}`);
      value = result.value;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail('INVALID_EVENT', `data of "${type}" must be a JSON object`);
    }
    if (phase !== null && typeof phase !== 'string')
      return fail('INVALID_EVENT', 'phase must be a string or null');
    const record = {
      schema_version: SCHEMA_VERSION,
      timestamp: new Date().toISOString(),
      instance_id: instanceId,
      event_type: type,
      phase,
      data: value,
      seq: seq + 1,
    };
    let line: string;
    try {
      line = `${needsNewline ? '\n' : ''}${JSON.stringify(record)}\n`;
    } catch (error) {
      return fail('INVALID_EVENT', `data of "${type}" is not serialisable as JSON`, error);
    }
    // A UTF-16 unit is at most 3 bytes of UTF-8: most records skip counting their bytes for the limit.
    const bytes = line.length * 3 <= maxRecordBytes ? -1 : Buffer.byteLength(line);
    if (bytes > maxRecordBytes) {
      return fail('RECORD_TOO_LARGE', `record of ${bytes} bytes exceeds maxRecordBytes ${maxRecordBytes}`);
    }
    let written: number;
    try {
      written = writeSync(fd, line); // one write(2) of the whole line: no copy into a Buffer first
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'DISK_FULL' : 'WRITE_FAILED';
      return fail(code, `could not append to ${file}`, error);
    }
    const expected = bytes < 0 ? Buffer.byteLength(line) : bytes;
    if (written < expected) {
      // A short write (disk full) leaves a fragment; never add a second write that others could interleave.
      needsNewline = true;
      position += written;
      return fail('DISK_FULL', `only ${written} of ${expected} bytes reached ${file}`);
    }
    seq += 1;
    const emitted = {
      record,
      offset: position + (needsNewline ? 1 : 0),
      nextOffset: position + written,
      bytes: written,
    };
    position += written;
    needsNewline = false;
    if (!commit) return Promise.resolve(emitted);
    return commit.sync().then(
      () => emitted,
      (error) => fail('WRITE_FAILED', `could not sync ${file}`, error),
    );
  }

  return {
    path: file,
    instanceId,
    emit: emit as EventLog<E>['emit'],
    close() {
      closed ??= (async () => {
        await commit?.idle();
        closeSync(fd);
      })();
      return closed;
    },
  };
}

function lastByte(fd: number, size: number): number | undefined {
  const byte = Buffer.alloc(1);
  return readSync(fd, byte, 0, 1, size - 1) === 1 ? byte[0] : undefined;
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function describe(issues: ReadonlyArray<StandardSchemaV1.Issue>): string {
  return issues
    .map(({ message, path }) => {
      const at = path?.map((part) => String(typeof part === 'object' ? part.key : part)).join('.');
      return at ? `${at}: ${message}` : message;
    })
    .join('; ');
}
