// STAND-IN for @fipc/state (issue 3), public names only; replaced by the real package when it lands.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

type Snapshot = Record<string, unknown>;
interface Schema<T> {
  parse(value: unknown): T;
}

export async function writeState(path: string, snapshot: Snapshot): Promise<void> {
  const tmp = join(dirname(path), `.state-${randomBytes(6).toString('hex')}.tmp`);
  const full = { instance_id: basename(dirname(path)), ...snapshot, updated_at: new Date().toISOString() };
  try {
    await writeFile(tmp, JSON.stringify(full, null, 2), { flag: 'wx', mode: 0o600 });
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

export async function readState<T = Snapshot>(
  path: string,
  options: { schema?: Schema<T> } = {},
): Promise<T | undefined> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const value = JSON.parse(text);
  return options.schema ? options.schema.parse(value) : value;
}

export function openStateStore(path: string, _options: Record<string, unknown> = {}) {
  let current: Snapshot = {};
  let chain = Promise.resolve();
  const write = () => (chain = chain.then(() => writeState(path, current)));
  return {
    set: (snapshot: Snapshot) => {
      current = { ...snapshot };
      return write();
    },
    update: (patch: Snapshot) => {
      current = { ...current, ...patch };
      return write();
    },
    flush: () => chain,
    close: () => chain,
  };
}
