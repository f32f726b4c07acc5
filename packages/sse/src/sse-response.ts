import { resolve } from 'node:path';
import type { EventSchemas } from '@fipc/core';
import { streamOf } from './create-sse-stream.js';
import { lastEventIdOf, REFUSAL_HEADERS, SSE_HEADERS } from './headers.js';
import { resolveOptions, type SseStreamOptions } from './options.js';
import { prepare } from './prepare.js';

/**
 * A Web `Response` streaming the log at `logPath` as SSE, for fetch-style servers (Hono, Next.js route
 * handlers, Bun, Deno). The resume point is the request's `Last-Event-ID` header, else its `lastEventId` query
 * parameter (`options.lastEventId` overrides both). Answers `400` to a malformed id, `204` to a client whose
 * last id was a terminal record (a spec EventSource then stops reconnecting), `410` to an id from a
 * replaced log when `staleId` is `'gone'`, and `500` when the path is not a regular file (`NOT_A_FILE`) or cannot
 * be read. The stream stops when the request's signal aborts.
 *
 * @example
 * app.get('/runs/:id/events', (c) =>
 *   sseResponse(`runs/${c.req.param('id')}/events.jsonl`, c.req.raw, { terminal: ['completed', 'failed'] }),
 * );
 */
export function sseResponse<E extends EventSchemas | undefined = undefined>(
  logPath: string,
  request: Request,
  options: SseStreamOptions<E> = {},
): Response {
  const resolved = resolveOptions(options);
  const lastEventId = options.lastEventId ?? lastEventIdOf(request.headers.get('last-event-id'), request.url);
  const prepared = prepare(resolve(logPath), lastEventId, resolved);
  if (prepared.status !== 200) {
    return new Response(prepared.status === 204 ? null : `${prepared.message}\n`, {
      status: prepared.status,
      headers: REFUSAL_HEADERS,
    });
  }
  const signals = request.signal ? [request.signal] : [];
  return new Response(
    streamOf(() => prepared, resolved, signals),
    { status: 200, headers: SSE_HEADERS },
  );
}
