// Deno.serve: a handler returns sseResponse(). Needs only --allow-net, --allow-read (the logs) and
// --allow-env (RUNS_DIR, PORT); nothing of fipc asks for --allow-sys.
// Run: PORT=8080 RUNS_DIR=runs deno run --allow-net --allow-read --allow-env deno.ts, then open /runs/<id>/events.
import { join } from 'node:path';
import { sseResponse } from '@fipc/sse';

const runs = Deno.env.get('RUNS_DIR') ?? 'runs';
const shutdown = new AbortController();

const server = Deno.serve(
  {
    port: Number(Deno.env.get('PORT') ?? 8080),
    hostname: '127.0.0.1',
    onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
  },
  (request) => {
    const id = /^\/runs\/([\w-]+)\/events$/.exec(new URL(request.url).pathname)?.[1];
    if (id === undefined) return new Response('no such run\n', { status: 404 });
    return sseResponse(join(runs, id, 'events.jsonl'), request, {
      terminal: ['completed', 'failed'],
      missing: 'not-found',
      signal: shutdown.signal,
    });
  },
);

Deno.addSignalListener('SIGTERM', async () => {
  shutdown.abort();
  await server.shutdown();
});
