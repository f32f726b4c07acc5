import { resolve } from 'node:path';
import type { EventSchemas } from '@fipc/core';
import { SseError } from './errors.js';
import { type ResolvedOptions, resolveOptions, type SseStreamOptions } from './options.js';
import { type Prepared, prepare } from './prepare.js';
import { Session } from './session.js';

// Bytes queued inside the stream before catch-up reading pauses: a little read-ahead, no more.
const HIGH_WATER_MARK = 16 * 1024;

/**
 * A Web `ReadableStream` of SSE bytes for the log at `logPath`: every record from the start (or after
 * `lastEventId`), then each record as it is appended, until a `terminal` record, `signal`, or `cancel()`.
 * Resuming is a seek, not a scan. All streams of one log share one follower; each stream is pulled at its
 * consumer's pace and errors with `SLOW_CLIENT` once `maxBufferBytes` of live records wait unread.
 * A malformed `lastEventId` errors the stream with `BAD_EVENT_ID`; after a terminal record the stream is empty.
 * A symlink, directory or FIFO at the path errors it with `NOT_A_FILE` (never followed, never blocked on), a
 * failed read with `IO_ERROR`.
 *
 * @example
 * const stream = createSseStream('run/events.jsonl', { terminal: ['completed', 'failed'] });
 * return new Response(stream, { headers: { 'Content-Type': 'text/event-stream; charset=utf-8' } });
 */
export function createSseStream<E extends EventSchemas | undefined = undefined>(
  logPath: string,
  options: SseStreamOptions<E> = {},
): ReadableStream<Uint8Array> {
  const resolved = resolveOptions(options);
  return streamOf(() => prepare(resolve(logPath), options.lastEventId, resolved), resolved, []);
}

/** The stream of a prepared client; `signals` are extra reasons to stop (e.g. the request's). */
export function streamOf(
  prepared: () => Prepared,
  options: ResolvedOptions,
  signals: AbortSignal[],
): ReadableStream<Uint8Array> {
  let session: Session | undefined;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const ready = prepared();
        if (ready.error) {
          controller.error(ready.error);
          return;
        }
        if (ready.status === 400 || ready.status === 404 || ready.status === 410) {
          const code = ({ 400: 'BAD_EVENT_ID', 404: 'NOT_FOUND', 410: 'STALE_EVENT_ID' } as const)[
            ready.status
          ];
          controller.error(new SseError(code, ready.message, { path: ready.path }));
          return;
        }
        if (ready.status === 204) {
          controller.close();
          return;
        }
        // After cancel() the controller throws on every call; the session may still be finishing a step.
        const safely = (action: () => void) => {
          try {
            action();
          } catch {}
        };
        session = new Session(ready, options, {
          write: (chunk) => safely(() => controller.enqueue(chunk)),
          get buffered() {
            return HIGH_WATER_MARK - (controller.desiredSize ?? 0);
          },
          get wantsMore() {
            return (controller.desiredSize ?? 0) > 0;
          },
          end: () => safely(() => controller.close()),
          destroy: (error) => safely(() => controller.error(error)),
        });
        session.start(signals);
      },
      pull() {
        session?.demand();
      },
      cancel() {
        session?.close();
      },
    },
    { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
  );
}
