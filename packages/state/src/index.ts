// STAND-IN for @fipc/state (issue 3), public names and shapes only; replaced by the real package when it lands.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

type Fields = Record<string, unknown>;
interface Schema<T> {
  parse(value: unknown): T;
}
type Snapshot<T> = T & { instance_id: string; updated_at: string };

export class StateError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function writeState(path: string, snapshot: Fields, _options: { durable?: boolean } = {}) {
  const tmp = join(dirname(path), `.state-${randomBytes(6).toString('hex')}.tmp`);
  const full = { instance_id: basename(dirname(path)), updated_at: new Date().toISOString(), ...snapshot };
  try {
    await writeFile(tmp, JSON.stringify(full), { flag: 'wx', mode: 0o600 });
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

export async function readState<T = Fields>(path: string, options: { schema?: Schema<T> } = {}) {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new StateError(error.code === 'ENOENT' ? 'NOT_FOUND' : 'READ_FAILED', error.message);
  });
  const { instance_id, updated_at, ...fields } = JSON.parse(text);
  const checked = options.schema ? options.schema.parse(fields) : fields;
  return { instance_id, updated_at, ...checked } as Snapshot<T>;
}

export async function openStateStore<T = Fields>(
  path: string,
  _options: { durable?: boolean; schema?: Schema<T> } = {},
) {
  let current = {} as T;
  let chain = Promise.resolve();
  const write = () => (chain = chain.then(() => writeState(path, current as Fields)));
  return {
    set: (snapshot: T) => {
      current = { ...snapshot };
      return write();
    },
    update: (patch: Partial<T>) => {
      current = { ...current, ...patch };
      return write();
    },
    flush: () => chain,
    close: () => chain,
  };
}
