// Type-checked by `pnpm smoke` against the packed @fipc/state, with moduleResolution NodeNext and Bundler.
import {
  type Landed,
  openStateStore,
  readState,
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
  for await (const next of watchState('run/state.json', { schema: Status, signal })) {
    if (next.status === 'done') break;
  }
  return meta + written.updated_at;
}

export async function store(): Promise<number> {
  const store: StateStore<z.infer<typeof Status>> = await openStateStore('run/state.json', {
    schema: Status,
  });
  const landed: Landed<z.infer<typeof Status>> = await store.update({ percent: 50 });
  // @ts-expect-error: percent is a number
  store.update({ percent: 'half' });
  await store.close();
  return landed.version;
}

export function code(error: unknown): StateErrorCode | undefined {
  return error instanceof StateError ? error.code : undefined;
}
