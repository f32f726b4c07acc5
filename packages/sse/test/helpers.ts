import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventSource } from 'eventsource';
import { onTestFinished } from 'vitest';

/** A real node:http server on 127.0.0.1, port 0, closed (with every connection) when the test ends. */
export async function serve(handler: RequestListener): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export interface Received {
  type: string;
  data: string;
  id: string;
}

/** An EventSource client that records every event of `types` (and `message`), closed when the test ends. */
export function listen(
  url: string,
  types: string[] = [],
): { es: EventSource; events: Received[]; errors: number[] } {
  const es = new EventSource(url);
  const events: Received[] = [];
  const errors: number[] = [];
  const record = (event: MessageEvent) =>
    events.push({ type: event.type, data: event.data as string, id: event.lastEventId });
  for (const type of ['message', ...types]) es.addEventListener(type, record);
  es.addEventListener('error', (event) => errors.push((event as unknown as { code?: number }).code ?? 0));
  onTestFinished(() => es.close());
  return { es, events, errors };
}

/** The `seq` of each received record event. */
export const seqs = (events: Received[]): number[] =>
  events.filter((e) => !e.type.startsWith('fipc:')).map((e) => JSON.parse(e.data).seq as number);

export const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Reads a streaming body until `done(text)` or its end, then cancels it. */
export async function readUntil(
  body: Response | ReadableStream<Uint8Array>,
  done: (text: string) => boolean,
): Promise<string> {
  const reader = (body instanceof Response ? body.body! : body).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!done(text)) {
    const { value, done: end } = await reader.read();
    if (end) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

/** The records' `data` of the SSE events in `text`, in order (control events and comments left out). */
export const recordsIn = (text: string): Record<string, unknown>[] =>
  [...text.matchAll(/^id: .*\n(?:event: .*\n)?data: (.*)$/gm)].map((m) => JSON.parse(m[1]!));
