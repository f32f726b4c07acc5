// STAND-IN for @fipc/sse (issue 5), public names only; replaced by the real package when it lands.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tailEvents } from '@fipc/events';

export interface SseOptions {
  terminal?: string[];
  retryMs?: number;
  heartbeatMs?: number;
}

export function sseHandler(
  resolveLogPath: (req: IncomingMessage) => string | undefined | Promise<string | undefined>,
  options: SseOptions = {},
) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = await resolveLogPath(req);
    if (!path) return void res.writeHead(404).end();
    const last = req.headers['last-event-id'];
    const from = typeof last === 'string' && /^\d+$/.test(last) ? Number(last) : 0;
    const stop = new AbortController();
    res.on('close', () => stop.abort());
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
    res.write(`retry: ${options.retryMs ?? 1000}\n\n`);
    for await (const { record, nextOffset } of tailEvents(path, { from, signal: stop.signal })) {
      res.write(`id: ${nextOffset}\nevent: ${record.event_type}\ndata: ${JSON.stringify(record)}\n\n`);
      if (options.terminal?.includes(record.event_type)) break;
    }
    res.end();
  };
}
