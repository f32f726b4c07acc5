import type { EventRecord, EventSchemas, RecordOf } from '@fipc/core/portable';
import { SseError } from '../errors.js';
import { matcher, type RecordMatcher } from '../record-matcher.js';
import { reconnectDelay, sleep } from './backoff.js';
import { checkEvents, toRecord } from './message-record.js';
import { SseParser } from './parse-sse.js';
import type { EventStream, StreamReset, SubscribeOptions } from './subscribe-options.js';

// The server's control events (see `RESET_EVENT` of `@fipc/sse`); `fipc:` is reserved for them.
const CONTROL = 'fipc:';
const RESET = 'fipc:reset';

/**
 * Subscribes to a fipc event stream (`sseHandler`, `sseResponse`) with `fetch`, so it can send headers such as
 * a token, and yields its records: typed and validated by a contract's `events` when given. After any drop
 * (network error, 5xx, 408, 429, the server closing the stream) it reconnects with `Last-Event-ID`, waiting
 * with exponential backoff, so no record is lost or repeated. It stops for good after a `terminal` record, on
 * a 204 (the stream's terminal record was already received), or when `signal` aborts. Runs in browsers,
 * Node >= 20, Bun, Deno and workers: it imports nothing from Node.
 *
 * Throws an {@link SseError}: `HTTP_ERROR` when the server refuses for good (another status, such as 401, 404 or
 * 410; `status` holds it) or answers with something that is no event stream; `INVALID_OPTIONS`.
 *
 * @example
 * import { subscribe } from '@fipc/sse/client';
 * import { contract } from './contract.js';
 * for await (const record of subscribe('/runs/run-1/events', {
 *   events: contract.events,
 *   headers: { Authorization: `Bearer ${token}` },
 *   terminal: ['completed', 'failed'],
 * })) {
 *   if (record.event_type === 'progress') bar.value = record.data.percent; // a number
 * }
 */
export function subscribe<E extends EventSchemas | undefined = undefined>(
  url: string | URL,
  options: SubscribeOptions<E> = {},
): EventStream<RecordOf<E>> {
  const position = { lastEventId: options.lastEventId ?? '' };
  const records = follow(url, options, position) as AsyncGenerator<RecordOf<E>, void, undefined>;
  return Object.defineProperty(records, 'lastEventId', { get: () => position.lastEventId }) as EventStream<
    RecordOf<E>
  >;
}

async function* follow(
  url: string | URL,
  options: SubscribeOptions<EventSchemas | undefined>,
  position: { lastEventId: string },
): AsyncGenerator<EventRecord, void, undefined> {
  const { signal, onSkip, onReset, onRetry, onOpen } = options;
  const retryMs = positive('retryMs', options.retryMs, 1_000);
  const maxRetryMs = positive('maxRetryMs', options.maxRetryMs, 30_000);
  const events = checkEvents(options.events);
  const terminal = options.terminal === undefined ? undefined : matcher(options.terminal as RecordMatcher);
  const fetcher = options.fetch ?? globalThis.fetch;
  let serverRetryMs: number | undefined;
  let attempt = 0;
  while (!signal?.aborted) {
    const controller = new AbortController();
    const stop = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', stop);
    let error: unknown;
    try {
      const response = await fetcher(url, {
        headers: await requestHeaders(options.headers, position.lastEventId),
        signal: controller.signal,
      });
      if (response.status === 204) return;
      refuseForGood(response);
      if (!response.ok)
        error = new SseError('HTTP_ERROR', `the server answered ${response.status}`, statusOf(response));
      else {
        attempt = 0;
        onOpen?.();
        const parser = new SseParser(position.lastEventId, (ms) => (serverRetryMs = ms));
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          const messages = parser.push(
            done ? `${decoder.decode()}` : decoder.decode(value, { stream: true }),
          );
          for (const message of messages) {
            position.lastEventId = message.id;
            if (message.event.startsWith(CONTROL)) {
              if (message.event === RESET) onReset?.(parseReset(message.data));
              continue;
            }
            const record = await toRecord(message, events, onSkip);
            if (record === undefined) continue;
            yield record;
            if (terminal?.(record)) return;
          }
          position.lastEventId = parser.lastEventId;
          if (done) break;
        }
        error = new SseError('IO_ERROR', 'the server closed the stream');
      }
    } catch (thrown) {
      if (signal?.aborted) return;
      if (thrown instanceof SseError && thrown.code !== 'IO_ERROR') throw thrown;
      error = thrown;
    } finally {
      signal?.removeEventListener('abort', stop);
      controller.abort();
    }
    attempt++;
    const delayMs = reconnectDelay(serverRetryMs ?? retryMs, attempt, maxRetryMs);
    onRetry?.({ attempt, delayMs, error });
    await sleep(delayMs, signal);
  }
}

/** Throws `HTTP_ERROR` for a status no retry can fix, or a 200 that is no event stream. */
function refuseForGood(response: Response): void {
  const { status } = response;
  if (status >= 500 || status === 408 || status === 429) return;
  if (status !== 200)
    throw new SseError(
      'HTTP_ERROR',
      `the server refused the subscription with ${status}`,
      statusOf(response),
    );
  const type = response.headers.get('content-type') ?? '';
  if (!/^text\/event-stream\b/i.test(type))
    throw new SseError(
      'HTTP_ERROR',
      `the server answered with ${type || 'no content type'}, not an event stream`,
      statusOf(response),
    );
}

const statusOf = (response: Response) => ({ status: response.status });

async function requestHeaders(given: SubscribeOptions['headers'], lastEventId: string): Promise<Headers> {
  const headers = new Headers(typeof given === 'function' ? await given() : given);
  headers.set('Accept', 'text/event-stream');
  if (lastEventId) headers.set('Last-Event-ID', lastEventId);
  return headers;
}

function parseReset(data: string): StreamReset {
  try {
    const value = JSON.parse(data);
    if (typeof value?.reason === 'string') return value;
  } catch {}
  return { reason: 'unknown' };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const ms = value ?? fallback;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
    throw new SseError('INVALID_OPTIONS', `${name} must be a number >= 0, not ${String(value)}`);
  return ms;
}
