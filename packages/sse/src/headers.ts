/**
 * The response headers of every event stream.
 *
 * @example
 * res.writeHead(200, SSE_HEADERS);
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: compression middleware (Express's compression(), proxies) otherwise buffers every event.
  'Cache-Control': 'no-store, no-transform',
  'X-Accel-Buffering': 'no',
  'X-Content-Type-Options': 'nosniff',
};

/** Headers of the short answers (204, 400, 410) that replace a stream. */
export const REFUSAL_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/plain; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/** `Last-Event-ID` from the header (what EventSource sends on reconnect), else a `lastEventId` query parameter. */
export function lastEventIdOf(header: string | null | undefined, url: string | undefined): string | null {
  if (header) return header;
  if (!url) return null;
  const query = url.indexOf('?');
  return query === -1 ? null : new URLSearchParams(url.slice(query + 1)).get('lastEventId');
}
