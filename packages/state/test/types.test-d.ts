// Type tests (vitest typecheck): state takes its types from the contract's `state` schema.
import { defineContract } from '@fipc/core';
import { openStateStore, readState, watchState, writeState } from '@fipc/state';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

const contract = defineContract({
  state: z.object({ status: z.enum(['running', 'done']), percent: z.number().default(0) }),
});

describe('state from the contract', () => {
  it('readState and watchState return the schema output with the snapshot fields', async () => {
    const state = await readState('run/state.json', { schema: contract.state });
    expectTypeOf(state.status).toEqualTypeOf<'running' | 'done'>();
    expectTypeOf(state.percent).toEqualTypeOf<number>();
    expectTypeOf(state.updated_at).toEqualTypeOf<string>();
    for await (const snapshot of watchState('run/state.json', { schema: contract.state }))
      expectTypeOf(snapshot.status).toEqualTypeOf<'running' | 'done'>();
  });

  it('writers take the schema input and refuse a wrong field', async () => {
    await writeState('run/state.json', { status: 'done' }, { schema: contract.state });
    // @ts-expect-error: status is 'running' or 'done'
    await writeState('run/state.json', { status: 'stopped' }, { schema: contract.state });
    const store = openStateStore('run/state.json', { schema: contract.state });
    void store.update({ percent: 10 });
    // @ts-expect-error: percent is a number
    void store.update({ percent: '10' });
    expectTypeOf((await store.set({ status: 'running' })).snapshot.percent).toEqualTypeOf<number>();
  });
});
