// A Next.js App Router route handler: app/runs/[id]/events/route.ts. sseResponse() returns a Web Response
// that streams the run's log; the stream stops when the browser goes (request.signal).
import { join } from 'node:path';
import { sseResponse } from '@fipc/sse';

export const dynamic = 'force-dynamic'; // never cache or pre-render an event stream
export const runtime = 'nodejs'; // fipc reads files: not the Edge runtime

const runs = process.env.RUNS_DIR ?? 'runs';

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  if (!/^[\w-]+$/.test(id)) return new Response('no such run\n', { status: 404 });
  return sseResponse(join(runs, id, 'events.jsonl'), request, {
    terminal: ['completed', 'failed'],
    missing: 'not-found',
  });
}
