// Type-checked by `pnpm smoke` against the packed @fipc/sse, with moduleResolution NodeNext and Bundler.
import { createServer } from 'node:http';
import type { EventRecord } from '@fipc/core';
import {
  createSseStream,
  type EventId,
  parseEventId,
  SseError,
  type SseErrorCode,
  type SseStreamOptions,
  sseHandler,
  sseResponse,
} from '@fipc/sse';
import { type SseErrorCode as ClientCode, type EventStream, subscribe } from '@fipc/sse/client';

const options: SseStreamOptions = {
  terminal: ['completed', 'failed'],
  filter: (r: EventRecord) => r.phase !== 'debug',
  maxLineBytes: 1024 * 1024,
  onSkip: ({ reason, offset }) => console.warn(`skipped a line at ${offset}: ${reason}`),
};
// @ts-expect-error: staleId is 'restart' or 'gone'
const wrong: SseStreamOptions = { staleId: 'never' };

export function serve(): void {
  createServer(sseHandler((req) => `runs/${req.url?.slice(1)}/events.jsonl`, options)).listen(0, '127.0.0.1');
}

export function edge(request: Request): Response {
  const stream: ReadableStream<Uint8Array> = createSseStream('run/events.jsonl', options);
  void stream;
  return sseResponse('run/events.jsonl', request, options);
}

export function ids(id: string): number | undefined {
  const parsed: EventId | undefined = parseEventId(id);
  return parsed?.offset;
}

export function code(error: unknown): SseErrorCode | undefined {
  return error instanceof SseError ? error.code : undefined;
}
// The Node-free client: records typed by a hand-written Standard Schema (no zod installed here).
const Progress = {
  '~standard': {
    version: 1,
    vendor: 'smoke',
    validate: (value: unknown) => ({ value: value as { percent: number } }),
    types: undefined as unknown as { input: { percent: number }; output: { percent: number } },
  },
} as const;

export async function follow(signal: AbortSignal): Promise<number> {
  const stream: EventStream<EventRecord<'progress', { percent: number }>> = subscribe(
    'http://127.0.0.1:8080/events',
    { signal, headers: { Authorization: 'Bearer x' }, events: { progress: Progress }, terminal: 'progress' },
  );
  let sum = 0;
  for await (const record of stream) sum += record.data.percent;
  // @ts-expect-error: retryMs is a number
  subscribe('/events', { retryMs: '1' });
  return sum + stream.lastEventId.length;
}
const refused: ClientCode = 'HTTP_ERROR';

const unsafe: SseErrorCode = 'NOT_A_FILE';
// @ts-expect-error: READ_FAILED became IO_ERROR
const renamed: SseErrorCode = 'READ_FAILED';

export { refused, renamed, unsafe, wrong };
