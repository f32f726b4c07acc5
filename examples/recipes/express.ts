// Express 5, with compression() in front: events still arrive one by one, because the SSE headers say
// `Cache-Control: no-transform`, which compression() honours.
// Run: PORT=8080 RUNS_DIR=runs node --import tsx express.ts, then open /runs/<id>/events.
import { join } from 'node:path';
import { sseHandler } from '@fipc/sse';
import compression from 'compression';
import express, { type Request } from 'express';

const runs = process.env.RUNS_DIR ?? 'runs';
const shutdown = new AbortController(); // ends every open stream, so server.close() can finish

const app = express();
app.use(compression());
app.get(
  '/runs/:id/events',
  // Request<{ id: string }> types req.params (without the generic, req.params.id is TS2339).
  sseHandler(
    (req: Request<{ id: string }>) =>
      /^[\w-]+$/.test(req.params.id) ? join(runs, req.params.id, 'events.jsonl') : undefined, // 404
    { terminal: ['completed', 'failed'], missing: 'not-found', signal: shutdown.signal },
  ),
);

const server = app.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`listening on http://127.0.0.1:${port}`);
});

process.once('SIGTERM', () => {
  shutdown.abort();
  server.close();
  server.closeIdleConnections();
});
