// Hono on Node (@hono/node-server): a route returns sseResponse(), a Web Response; the stream stops when the
// client goes (the request's signal) or when the server aborts `shutdown`.
// Run: PORT=8080 RUNS_DIR=runs node --import tsx hono.ts, then open /runs/<id>/events.
import { join } from 'node:path';
import { sseResponse } from '@fipc/sse';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const runs = process.env.RUNS_DIR ?? 'runs';
const shutdown = new AbortController();

const app = new Hono();
app.get('/runs/:id/events', (c) => {
  const id = c.req.param('id');
  if (!/^[\w-]+$/.test(id)) return c.text('no such run\n', 404);
  return sseResponse(join(runs, id, 'events.jsonl'), c.req.raw, {
    terminal: ['completed', 'failed'],
    missing: 'not-found',
    signal: shutdown.signal,
  });
});

const server = serve(
  { fetch: app.fetch, port: Number(process.env.PORT ?? 8080), hostname: '127.0.0.1' },
  (info) => console.log(`listening on http://127.0.0.1:${info.port}`),
);

process.once('SIGTERM', () => {
  shutdown.abort();
  server.close();
});
