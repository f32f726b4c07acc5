import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import type { EventSchemas } from '@fipc/core';
import { lastEventIdOf, REFUSAL_HEADERS, SSE_HEADERS } from './headers.js';
import { resolveOptions, type SseStreamOptions } from './options.js';
import { prepare } from './prepare.js';
import { Session } from './session.js';

/**
 * Picks the log of a request: a path, or `undefined` for 404. May be async (e.g. a permission check).
 *
 * @example
 * const resolveLogPath: ResolveLogPath = (req) => (req.url === '/events' ? 'run/events.jsonl' : undefined);
 */
export type ResolveLogPath<Req extends IncomingMessage = IncomingMessage> = (
  request: Req,
) => string | undefined | Promise<string | undefined>;

/**
 * A `(req, res)` handler for `node:http`, Express and Fastify (`reply.hijack()`, then pass `request.raw` and
 * `reply.raw`) that streams the log `resolveLogPath(req)` names. Resume point, statuses (204, 400, 404, 410, 500)
 * and options as in {@link sseResponse}; `options.lastEventId` is ignored (it comes from each request). Each
 * batch of records goes to the socket in one write, honouring `res.write()`'s return value and `'drain'`; a client more than
 * `maxBufferBytes` behind is disconnected; a closed connection releases everything at once.
 *
 * @example
 * import { createServer } from 'node:http';
 * const handler = sseHandler((req) => `runs/${new URL(req.url!, 'http://x').searchParams.get('run')}/events.jsonl`);
 * createServer(handler).listen(8080, '127.0.0.1');
 */
export function sseHandler<
  Req extends IncomingMessage = IncomingMessage,
  E extends EventSchemas | undefined = undefined,
>(
  resolveLogPath: ResolveLogPath<Req>,
  options: Omit<SseStreamOptions<E>, 'lastEventId'> = {},
): (req: Req, res: ServerResponse) => Promise<void> {
  const resolved = resolveOptions(options);
  return async (req, res) => {
    try {
      const path = await resolveLogPath(req);
      if (res.destroyed) return;
      if (path === undefined) {
        res.writeHead(404, REFUSAL_HEADERS).end('no such event stream\n');
        return;
      }
      const header = req.headers['last-event-id'];
      const lastEventId = lastEventIdOf(Array.isArray(header) ? header[0] : header, req.url);
      const prepared = prepare(resolve(path), lastEventId, resolved);
      if (prepared.status !== 200) {
        res
          .writeHead(prepared.status, REFUSAL_HEADERS)
          .end(prepared.status === 204 ? undefined : `${prepared.message}\n`);
        return;
      }
      res.writeHead(200, SSE_HEADERS);
      const session = new Session(prepared, resolved, nodeSink(res));
      res.on('drain', () => session.demand());
      res.once('close', () => session.close());
      session.start();
      if (res.destroyed) session.close();
    } catch (error) {
      if (res.headersSent) res.destroy(error as Error);
      else res.writeHead(500, REFUSAL_HEADERS).end('could not open the event stream\n');
    }
  };
}

function nodeSink(res: ServerResponse) {
  return {
    write(chunk: Buffer) {
      if (res.destroyed) return;
      // Corked around the write, the frame leaves in one syscall now. Left to Node's chunked encoding, it waits
      // for the next tick, so in a fan-out the first clients would wait for every other client's write.
      res.cork();
      res.write(chunk);
      res.uncork();
    },
    get buffered() {
      return res.writableLength;
    },
    get wantsMore() {
      return !res.writableNeedDrain;
    },
    end: () => res.end(),
    destroy: () => res.destroy(),
  };
}
