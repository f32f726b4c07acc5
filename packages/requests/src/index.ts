// STAND-IN for @fipc/requests (issue 4), public names only; replaced by the real package when it lands.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

interface Schema<T> {
  parse(value: unknown): T;
}
export interface RequestOptions<T> {
  id?: string;
  schema?: Schema<T>;
  timeoutMs?: number;
  signal?: AbortSignal;
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

export async function request<T = unknown>(dir: string, payload: unknown, options: RequestOptions<T> = {}) {
  const id = options.id ?? randomUUID();
  if (!ID.test(id)) throw new RequestError('INVALID_ID', `bad id ${id}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${id}.json`);
  const body = { request_id: id, payload, requested_at: new Date().toISOString(), response: null };
  await writeFile(file, JSON.stringify(body, null, 2), { flag: 'wx' }).catch(() => {});
  for (;;) {
    options.signal?.throwIfAborted();
    const text = await readFile(join(dir, `${id}.response.json`), 'utf8').catch(() => undefined);
    if (text) {
      const answer = JSON.parse(text).payload;
      return options.schema ? options.schema.parse(answer) : (answer as T);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function respond(dir: string, id: string, payload: unknown): Promise<void> {
  if (!ID.test(id)) throw new RequestError('INVALID_ID', `bad id ${id}`);
  await readFile(join(dir, `${id}.json`)).catch(() => {
    throw new RequestError('NOT_FOUND', `no request ${id}`);
  });
  await writeFile(join(dir, `${id}.response.json`), JSON.stringify({ payload }), { flag: 'wx' }).catch(() => {
    throw new RequestError('ALREADY_ANSWERED', `request ${id} is already answered`);
  });
}

export async function listRequests(dir: string, options: { status?: string } = {}) {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out = [];
  for (const name of names) {
    if (!name.endsWith('.json') || name.endsWith('.response.json')) continue;
    const id = name.slice(0, -5);
    const body = JSON.parse(await readFile(join(dir, name), 'utf8'));
    const status = names.includes(`${id}.response.json`) ? 'answered' : 'pending';
    if (!options.status || options.status === status) out.push({ id, status, payload: body.payload });
  }
  return out;
}
