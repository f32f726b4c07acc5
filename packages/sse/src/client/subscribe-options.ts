import type { EventSchemas, OnSkip, RecordOf } from '@fipc/core/portable';
import type { RecordMatcher } from '../record-matcher.js';

/**
 * A `fipc:reset` control event: the log was truncated or replaced (or the id was from another log), and the
 * stream starts over from its beginning.
 *
 * @example
 * const onReset = ({ reason }: StreamReset) => clearTheView(reason);
 */
export interface StreamReset {
  /** `'truncated'`, `'rotated'` or `'stale-id'`. */
  reason: string;
  [detail: string]: unknown;
}

/**
 * A reconnection about to be made, as told to `onRetry`.
 *
 * @example
 * const onRetry = ({ attempt, delayMs }: RetryInfo) => showBanner(`reconnecting in ${delayMs} ms (try ${attempt})`);
 */
export interface RetryInfo {
  /** 1 for the first reconnection since the last successful connection. */
  attempt: number;
  /** How long the client waits before it. */
  delayMs: number;
  /** Why the connection ended: a network error, a 5xx status, or the server closing the stream. */
  error: unknown;
}

/**
 * Options of `subscribe()`.
 *
 * @example
 * const options: SubscribeOptions<typeof contract.events> = {
 *   events: contract.events,
 *   headers: { Authorization: `Bearer ${token}` },
 *   terminal: ['completed', 'failed'],
 *   signal: controller.signal,
 * };
 */
export interface SubscribeOptions<E extends EventSchemas | undefined = undefined> {
  /** Ends the iteration quietly (and the request at once), also while it waits to reconnect. */
  signal?: AbortSignal;
  /** Sent with every request, such as `Authorization`; a function is called before each (re)connection. */
  headers?: HeaderValues | (() => HeaderValues | Promise<HeaderValues>);
  /**
   * The schema of each event type's `data` (a contract's `events`): records are validated (async schemas too)
   * and yielded as the schema's output, typed per `event_type`; a record that fails, or of a type not in the
   * map, is skipped and told to `onSkip`.
   * @default records are yielded untyped
   */
  events?: E;
  /** Records after which the iteration ends for good (the record is yielded first). @default none */
  terminal?: RecordMatcher<RecordOf<E>>;
  /** Resume after this id, as a reconnection does. @default the start of the log */
  lastEventId?: string;
  /**
   * The first wait before reconnecting, doubled after each failed attempt (with jitter) up to `maxRetryMs`; a
   * `retry:` field from the server replaces it.
   * @default 1_000
   */
  retryMs?: number;
  /** The longest wait between reconnections. @default 30_000 */
  maxRetryMs?: number;
  /** Told about each event skipped: not JSON, not a record, rejected by its schema, or of an unknown type. */
  onSkip?: OnSkip;
  /** Told about each `fipc:reset`: what follows starts over from the log's beginning. */
  onReset?: (reset: StreamReset) => void;
  /** Told each time a connection is established (the server answered with an event stream). */
  onOpen?: () => void;
  /** Told before each reconnection. */
  onRetry?: (retry: RetryInfo) => void;
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Header values as `new Headers()` takes them: an object, pairs, or a `Headers`.
 *
 * @example
 * const headers: HeaderValues = { Authorization: `Bearer ${token}` };
 */
export type HeaderValues = ConstructorParameters<typeof Headers>[0];

/**
 * What `subscribe()` returns: an async iterator of records that also knows the SSE id of the last one
 * (to store, and pass back as `lastEventId` after a page reload, say).
 *
 * @example
 * const stream: EventStream<EventRecord> = subscribe('/events');
 * for await (const record of stream) localStorage.setItem('resume', stream.lastEventId);
 */
export interface EventStream<R> extends AsyncGenerator<R, void, undefined> {
  /** The id of the last record yielded (or skipped): `<epoch>-<offset>`; `''` before the first. */
  readonly lastEventId: string;
}
