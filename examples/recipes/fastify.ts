// Fastify 5: the handler writes to the raw response, so the reply is hijacked (Fastify must not send one of
// its own). app.close() waits for open connections: abort the streams' signal in a preClose hook.
// Run: PORT=8080 RUNS_DIR=runs node --import tsx fastify.ts, then open /runs/<id>/events.
import { join } from 'node:path';
import { type SseStreamOptions, sseHandler } from '@fipc/sse';
import Fastify from 'fastify';

const runs = process.env.RUNS_DIR ?? 'runs';
const shutdown = new AbortController();
const options: SseStreamOptions = {
  terminal: ['completed', 'failed'],
  missing: 'not-found',
  signal: shutdown.signal,
};

const app = Fastify();
app.get<{ Params: { id: string } }>('/runs/:id/events', (request, reply) => {
  const { id } = request.params;
  if (!/^[\w-]+$/.test(id)) return reply.code(404).send('no such run\n');
  reply.hijack();
  // One handler per request is cheap: every client of a log shares one follower whatever the handler.
  return sseHandler(() => join(runs, id, 'events.jsonl'), options)(request.raw, reply.raw);
});
app.addHook('preClose', async () => shutdown.abort());

const url = await app.listen({ port: Number(process.env.PORT ?? 8080), host: '127.0.0.1' });
console.log(`listening on ${url}`);

process.once('SIGTERM', () => void app.close());
