// Bun.serve: a fetch handler returns sseResponse(). Bun closes a connection idle for `idleTimeout` seconds
// (10 by default); the 5 s heartbeat keeps a quiet stream alive, and idleTimeout 30 leaves room.
// Run: PORT=8080 RUNS_DIR=runs bun bun.ts, then open /runs/<id>/events.
import { join } from 'node:path';
import { sseResponse } from '@fipc/sse';

const runs = process.env.RUNS_DIR ?? 'runs';
const shutdown = new AbortController();

const server = Bun.serve({
  port: Number(process.env.PORT ?? 8080),
  hostname: '127.0.0.1',
  idleTimeout: 30,
  fetch(request) {
    const id = /^\/runs\/([\w-]+)\/events$/.exec(new URL(request.url).pathname)?.[1];
    if (id === undefined) return new Response('no such run\n', { status: 404 });
    return sseResponse(join(runs, id, 'events.jsonl'), request, {
      terminal: ['completed', 'failed'],
      missing: 'not-found',
      signal: shutdown.signal,
    });
  },
});
console.log(`listening on http://127.0.0.1:${server.port}`);

process.once('SIGTERM', async () => {
  shutdown.abort(); // ends every open stream
  await server.stop(true); // and closes the connections, idle keep-alive ones included
});
