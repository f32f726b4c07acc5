import type { CorruptLine, EventRecord } from '@fipc/events';
import { SseError } from './errors.js';

/**
 * Which records match: one event type, several, or a predicate.
 *
 * @example
 * const terminal: RecordMatcher = (record) => record.event_type === 'completed' || record.phase === 'abort';
 */
export type RecordMatcher = string | readonly string[] | ((record: EventRecord) => boolean);

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
export interface SseStreamOptions {
  /** Resume after this id (what the client last received); `sseResponse`/`sseHandler` read it from the request. */
  lastEventId?: string | null;
  /** Only these records are sent (terminal records are always sent). @default every record */
  filter?: RecordMatcher;
  /** Records that end the stream: the record is sent, then the stream closes; a reconnect after it gets 204. */
  terminal?: RecordMatcher;
  /**
   * A comment line is sent this often, so proxies keep the connection open and dead peers are noticed.
   * 0 disables it.
   * @default 15_000
   */
  heartbeatMs?: number;
  /** Sent as `retry:`: how long a client waits before reconnecting. @default not sent (clients use their own) */
  retryMs?: number;
  /**
   * How long to wait for a missing log to appear; then a `fipc:timeout` event is sent and the stream closes.
   * @default 60_000
   */
  waitForFileMs?: number;
  /**
   * What an id from a truncated or replaced log gets: `'restart'` sends a `fipc:reset` event then the current
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
  /** Safety poll of the shared follower (see `tailEvents`). @default 500 */
  pollMs?: number;
  /** Called for every line skipped as corrupt. */
  onCorrupt?: (corrupt: CorruptLine) => void;
  /** Ends the stream and releases everything it holds. */
  signal?: AbortSignal;
}

export interface ResolvedOptions {
  filter: (record: EventRecord) => boolean;
  terminal: ((record: EventRecord) => boolean) | undefined;
  heartbeatMs: number;
  retryMs: number | undefined;
  waitForFileMs: number;
  staleId: 'restart' | 'gone';
  maxBufferBytes: number;
  pollMs: number;
  onCorrupt: ((corrupt: CorruptLine) => void) | undefined;
  signal: AbortSignal | undefined;
}

export function matcher(match: RecordMatcher): (record: EventRecord) => boolean {
  if (typeof match === 'function') return match;
  const types = new Set(typeof match === 'string' ? [match] : match);
  return (record) => types.has(record.event_type);
}

export function resolveOptions(options: SseStreamOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    filter: options.filter === undefined ? () => true : matcher(options.filter),
    terminal: options.terminal === undefined ? undefined : matcher(options.terminal),
    heartbeatMs: options.heartbeatMs ?? 15_000,
    retryMs: options.retryMs,
    waitForFileMs: options.waitForFileMs ?? 60_000,
    staleId: options.staleId ?? 'restart',
    maxBufferBytes: options.maxBufferBytes ?? 1024 * 1024,
    pollMs: options.pollMs ?? 500,
    onCorrupt: options.onCorrupt,
    signal: options.signal,
  };
  for (const key of ['heartbeatMs', 'waitForFileMs', 'maxBufferBytes', 'pollMs'] as const) {
    if (!(resolved[key] >= 0)) throw new SseError('INVALID_OPTIONS', `${key} must be a number >= 0`);
  }
  if (resolved.retryMs !== undefined && !(resolved.retryMs >= 0))
    throw new SseError('INVALID_OPTIONS', 'retryMs must be a number >= 0');
  if (resolved.staleId !== 'restart' && resolved.staleId !== 'gone')
    throw new SseError('INVALID_OPTIONS', "staleId must be 'restart' or 'gone'");
  return resolved;
}
