import { type EventRecord, fsError, isPlainJson, toJson } from '@fipc/core';
import { append, type Placed } from './append.js';
import { buildRecord } from './build-record.js';
import { EventLogError } from './errors.js';
import { LogFile } from './log-file.js';
import { type EventLogOptions, logSettings } from './log-options.js';
import type { EmitArgs, EventOutput, EventSchemas, EventType } from './schemas.js';

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
  /** Bytes written, including the newline (and a newline before the record, after a torn line). */
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
   * Appends one record, in call order. The write happens before `emit` returns, except while a durable log's
   * sync runs: then the record is written with the others emitted meanwhile, in one write, as that sync ends
   * (or at `close()` or process exit). The promise settles once the record is as durable as the log's
   * `durability` asks. `data` may be left out only when the type's
   * schema accepts `{}` (the compiler checks it). Rejects with an {@link EventLogError}:
   * `INVALID_EVENT`, `SCHEMA_MISMATCH`, `TOO_LARGE`, `CLOSED` (nothing written); `DISK_FULL`, `IO_ERROR`
   * (nothing written, or after a short write a fragment readers skip; `IO_ERROR` also when the sync failed).
   */
  emit<K extends EventType<E>>(
    type: K,
    ...options: EmitArgs<E, K>
  ): Promise<EmittedEvent<EventRecord<K, EventOutput<E, K>>>>;
  /**
   * Starts a new segment now (PROTOCOL.md 2.6): renames the live file to the next segment name and goes on in
   * a new live file. Resolves with the segment's path, or `undefined` when the live file is empty or another
   * writer is rotating it. Rejects with `IO_ERROR` (or `CLOSED`) when the rename fails.
   */
  rotate(): Promise<string | undefined>;
  /** Waits for pending syncs, then closes the descriptor. Later emits reject with `CLOSED`. */
  close(): Promise<void>;
}

/**
 * Opens (creating it and its directory if needed) an append-only JSONL event log. Synchronous: a failure
 * (`NOT_A_FILE` for a symlink, directory or FIFO at the path; `NOT_FOUND`, `IO_ERROR`, `DISK_FULL`;
 * `INVALID_OPTIONS`) throws at once. Several processes may hold the same log open: each record is one
 * `write()` on an `O_APPEND` descriptor, so records never split or interleave. A torn last line left by a
 * crashed writer is closed off with a newline before the first record.
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
  const settings = logSettings(path, options);
  const { file, maxRecordBytes } = settings;
  const log = new LogFile(settings); // follows and makes rotations: its descriptor may change between writes
  let seq = 0;
  let closed: Promise<void> | undefined;

  const fail = (error: unknown) => Promise.reject(EventLogError.from(error, file));

  function emit(type: string, { phase = null, data }: EmitOptions<unknown> = {}) {
    if (closed) return fail(new EventLogError('CLOSED', `event log ${file} is closed`, { path: file }));
    let record: EventRecord;
    let line: string;
    try {
      const now = log.beforeWrite();
      record = buildRecord(type, phase, data, seq + 1, settings, now);
      // The envelope is ours (strings, a number, null): only the caller's data can need the strict path.
      line = `${isPlainJson(record.data) ? JSON.stringify(record) : toJson(record)}\n`;
    } catch (error) {
      return fail(error);
    }
    const bytes = Buffer.byteLength(line);
    if (bytes > maxRecordBytes)
      return fail(
        new EventLogError('TOO_LARGE', `record of ${bytes} bytes exceeds maxRecordBytes ${maxRecordBytes}`, {
          path: file,
        }),
      );
    const commit = log.commit;
    if (commit?.busy) {
      // Durable, and a sync is running: the record is written with the others that wait for it to end.
      seq += 1;
      return log.deferred
        .add(line, bytes)
        .then(({ offset, nextOffset, bytes }) => ({ record, offset, nextOffset, bytes }), fail);
    }
    let placed: Placed;
    try {
      placed = append(log, line, bytes);
    } catch (error) {
      return fail(error);
    }
    if (placed.nextOffset - placed.offset < bytes)
      return fail(
        new EventLogError(
          'DISK_FULL',
          `only ${placed.nextOffset - placed.offset} of ${bytes} bytes reached ${file}: readers skip the fragment`,
          { path: file },
        ),
      );
    seq += 1;
    const emitted = { record, offset: placed.offset, nextOffset: placed.nextOffset, bytes: placed.bytes };
    if (!commit) return Promise.resolve(emitted);
    return commit.sync().then(
      () => emitted,
      (error) => fail(fsError(error, file, 'cannot sync')),
    );
  }

  return {
    path: file,
    instanceId: settings.instanceId,
    emit: emit as unknown as EventLog<E>['emit'],
    rotate() {
      if (closed) return fail(new EventLogError('CLOSED', `event log ${file} is closed`, { path: file }));
      try {
        return Promise.resolve(log.rotate(true));
      } catch (error) {
        return fail(error);
      }
    },
    close() {
      closed ??= log.close();
      return closed;
    },
  };
}
