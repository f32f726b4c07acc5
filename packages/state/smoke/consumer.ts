// Type-checked by `pnpm smoke` against the packed @fipc/state, with moduleResolution NodeNext and Bundler.
import {
  type Landed,
  openStateStore,
  readState,
  type Skip,
  type Snapshot,
  StateError,
  type StateErrorCode,
  type StateStore,
  watchState,
  writeState,
} from '@fipc/state';
import { z } from 'zod';

const Status = z.object({ status: z.enum(['starting', 'running', 'done']), percent: z.number() });

export async function typed(signal: AbortSignal): Promise<string> {
  const state = await readState('run/state.json', { schema: Status });
  const percent: number = state.percent;
  const meta: string = state.instance_id + state.updated_at;
  // @ts-expect-error: the schema has no such field
  state.missing;
  const written: Snapshot<{ status: 'done'; percent: number }> = await writeState('run/state.json', {
    status: 'done' as const,
    percent,
  });
  const onSkip = (skip: Skip) => console.warn(skip.reason);
  for await (const next of watchState('run/state.json', { schema: Status, signal, onSkip })) {
    if (next.status === 'done') break;
  }
  return meta + written.updated_at;
}

export async function store(): Promise<number> {
  const store: StateStore<z.infer<typeof Status>> = openStateStore('run/state.json', {
    schema: Status,
    durability: 'fsync',
  });
  const landed: Landed<z.infer<typeof Status>> = await store.update({ percent: 50 });
  // @ts-expect-error: percent is a number
  store.update({ percent: 'half' });
  await store.close();
  return landed.version;
}

export function durable(): Promise<Snapshot<{ percent: number }>> {
  // @ts-expect-error: durability is 'none' or 'fsync'; the old boolean is gone
  writeState('run/state.json', { percent: 1 }, { durable: true });
  return writeState('run/state.json', { percent: 2 }, { durability: 'fsync' });
}

export function code(error: unknown): StateErrorCode | undefined {
  return error instanceof StateError ? error.code : undefined;
}
