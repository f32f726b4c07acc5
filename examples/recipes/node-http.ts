// Serve each run's event log as Server-Sent Events with plain node:http.
// Run: PORT=8080 RUNS_DIR=runs node --import tsx node-http.ts, then open /runs/<id>/events.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { sseHandler } from '@fipc/sse';

const runs = process.env.RUNS_DIR ?? 'runs';
const shutdown = new AbortController(); // ends every open stream, so server.close() can finish

const events = sseHandler(
  (req) => {
    // Only a bare id: a path from the URL must never reach outside the runs directory.
    const id = /^\/runs\/([\w-]+)\/events(?:\?|$)/.exec(req.url ?? '')?.[1];
    return id === undefined ? undefined : join(runs, id, 'events.jsonl'); // undefined: 404
  },
  { terminal: ['completed', 'failed'], missing: 'not-found', signal: shutdown.signal },
);

const server = createServer(events).listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`listening on http://127.0.0.1:${port}`);
});

process.once('SIGTERM', () => {
  shutdown.abort();
  server.close();
  server.closeIdleConnections();
});
