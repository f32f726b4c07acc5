// STAND-IN for @fipc/requests (issue 4), public names and shapes only; replaced by the real package when it lands.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

interface Schema<T> {
  parse(value: unknown): T;
}
export interface EventSink {
  emit(type: string, options?: { phase?: string | null; data?: Record<string, unknown> }): Promise<unknown>;
}
export interface RequestOptions<T> {
  id?: string;
  schema?: Schema<T>;
  timeoutMs?: number;
  signal?: AbortSignal;
  events?: EventSink;
  durable?: boolean;
}
export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
const ID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;
const at = (dir: string) => join(dir, 'input-requests');

export async function request<T = unknown>(dir: string, payload: unknown, options: RequestOptions<T> = {}) {
  const id = options.id ?? randomUUID();
  if (!ID.test(id)) throw new RequestError('INVALID_ID', `bad id ${id}`);
  await mkdir(at(dir), { recursive: true, mode: 0o700 });
  const body = {
    request_id: id,
    schema: {},
    requested_at: new Date().toISOString(),
    response: null,
    payload,
  };
  await writeFile(join(at(dir), `${id}.json`), JSON.stringify(body, null, 2), { flag: 'wx' });
  await options.events?.emit('input_requested', { data: { request_id: id } });
  for (;;) {
    if (options.signal?.aborted) {
      await writeFile(join(at(dir), `${id}.response`), JSON.stringify({ cancelled: true }), { flag: 'wx' });
      await options.events?.emit('input_cancelled', { data: { request_id: id } });
      throw new RequestError('ABORTED', 'aborted');
    }
    const text = await readFile(join(at(dir), `${id}.response`), 'utf8').catch(() => undefined);
    if (text) {
      await options.events?.emit('input_answered', { data: { request_id: id } });
      const answer = JSON.parse(text).payload;
      return options.schema ? options.schema.parse(answer) : (answer as T);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function respond(dir: string, id: string, payload: unknown): Promise<void> {
  if (!ID.test(id)) throw new RequestError('INVALID_ID', `bad id ${id}`);
  await readFile(join(at(dir), `${id}.json`)).catch(() => {
    throw new RequestError('REQUEST_NOT_FOUND', `no request ${id}`);
  });
  await writeFile(join(at(dir), `${id}.response`), JSON.stringify({ payload }), { flag: 'wx' }).catch(() => {
    throw new RequestError('ALREADY_ANSWERED', `request ${id} is already answered`);
  });
}

export async function listRequests(dir: string, options: { status?: string } = {}) {
  const names = await readdir(at(dir)).catch(() => [] as string[]);
  const out = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const id = name.slice(0, -5);
    const body = JSON.parse(await readFile(join(at(dir), name), 'utf8'));
    const status = names.includes(`${id}.response`) ? 'answered' : 'pending';
    if (!options.status || options.status === status) {
      out.push({ id, status, payload: body.payload, requestedAt: body.requested_at, expiresAt: null });
    }
  }
  return out;
}
