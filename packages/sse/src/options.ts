import {
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_POLL_MS,
  type EventSchemas,
  type OnSkip,
  positiveMs,
} from '@fipc/core';
import { SseError } from './errors.js';
import { type RecordOptions, type ResolvedRecordOptions, resolveRecordOptions } from './record-options.js';

/**
 * Options of {@link createSseStream}, {@link sseResponse} and {@link sseHandler}.
 *
 * @example
 * const options: SseStreamOptions = {
 *   filter: ['progress', 'completed', 'failed'],
 *   terminal: ['completed', 'failed'],
 *   retryMs: 2_000,
 * };
 */
export interface SseStreamOptions<E extends EventSchemas | undefined = undefined> extends RecordOptions<E> {
  /** Resume after this id (what the client last received); `sseResponse`/`sseHandler` read it from the request. */
  lastEventId?: string | null;
  /**
   * A comment line is sent this often, so proxies and servers keep a quiet connection open and dead peers
   * are noticed. The default stays under the shortest common idle timeout (Bun.serve closes a connection
   * idle for 10 s). 0 disables it.
   * @default 5_000
   */
  heartbeatMs?: number;
  /** Sent as `retry:`: how long a client waits before reconnecting. @default not sent (clients use their own) */
  retryMs?: number;
  /**
   * A log that does not exist when the client connects: `'wait'` for it (up to `waitForFileMs`), or
   * `'not-found'`: answer 404 (`createSseStream` errors with `NOT_FOUND`), e.g. for an unknown run id.
   * @default 'wait'
   */
  missing?: 'wait' | 'not-found';
  /**
   * How long to wait for a missing log to appear; then a `fipc:timeout` event is sent and the stream closes.
   * @default 60_000
   */
  waitForFileMs?: number;
  /**
   * What an id from a truncated or replaced log, or a deleted segment, gets: `'restart'` sends a `fipc:reset` event then the current
   * log from its start; `'gone'` answers 410 (or errors the stream with `STALE_EVENT_ID`).
   * @default 'restart'
   */
  staleId?: 'restart' | 'gone';
  /**
   * A client whose unsent bytes exceed this is disconnected (it may resume by id), so it neither grows memory
   * nor slows the others.
   * @default 1 MiB
   */
  maxBufferBytes?: number;
  /**
   * Safety poll of the shared follower (see `tailEvents`) and of a client waiting for it: the longest a
   * record waits when every change notification is lost.
   * @default DEFAULT_POLL_MS (500)
   */
  pollMs?: number;
  /**
   * A longer line is skipped (told to `onSkip`) without being held in memory, by a client catching up and by
   * the shared follower alike (PROTOCOL.md 2.5).
   * @default 8 MiB
   */
  maxLineBytes?: number;
  /** Told about every line skipped (bad JSON, not a record, over `maxLineBytes`); the stream goes on. */
  onSkip?: OnSkip;
  /** Ends the stream and releases everything it holds. */
  signal?: AbortSignal;
}

export interface ResolvedOptions extends ResolvedRecordOptions {
  heartbeatMs: number;
  retryMs: number | undefined;
  missing: 'wait' | 'not-found';
  waitForFileMs: number;
  staleId: 'restart' | 'gone';
  maxBufferBytes: number;
  pollMs: number;
  maxLineBytes: number;
  onSkip: OnSkip | undefined;
  signal: AbortSignal | undefined;
}

// Zero would make the follower (and a waiting client) spin; tailEvents would refuse it mid-stream.
function ms(name: string, value: number | undefined, fallback: number): number {
  try {
    return positiveMs(name, value, fallback);
  } catch (error) {
    throw SseError.from(error);
  }
}

/** The default `heartbeatMs`: under Bun.serve's 10 s `idleTimeout`, the shortest common idle limit. */
export const DEFAULT_HEARTBEAT_MS = 5_000;

export function resolveOptions(options: SseStreamOptions<EventSchemas | undefined>): ResolvedOptions {
  const resolved: ResolvedOptions = {
    ...resolveRecordOptions(options),
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    retryMs: options.retryMs,
    missing: options.missing ?? 'wait',
    waitForFileMs: options.waitForFileMs ?? 60_000,
    staleId: options.staleId ?? 'restart',
    maxBufferBytes: options.maxBufferBytes ?? 1024 * 1024,
    pollMs: ms('pollMs', options.pollMs, DEFAULT_POLL_MS),
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    onSkip: options.onSkip,
    signal: options.signal,
  };
  if (!(Number.isSafeInteger(resolved.maxLineBytes) && resolved.maxLineBytes > 0))
    throw new SseError('INVALID_OPTIONS', 'maxLineBytes must be an integer > 0');
  for (const key of ['heartbeatMs', 'waitForFileMs', 'maxBufferBytes'] as const) {
    if (!(resolved[key] >= 0)) throw new SseError('INVALID_OPTIONS', `${key} must be a number >= 0`);
  }
  if (resolved.retryMs !== undefined && !(resolved.retryMs >= 0))
    throw new SseError('INVALID_OPTIONS', 'retryMs must be a number >= 0');
  if (resolved.missing !== 'wait' && resolved.missing !== 'not-found')
    throw new SseError('INVALID_OPTIONS', "missing must be 'wait' or 'not-found'");
  if (resolved.staleId !== 'restart' && resolved.staleId !== 'gone')
    throw new SseError('INVALID_OPTIONS', "staleId must be 'restart' or 'gone'");
  return resolved;
}
