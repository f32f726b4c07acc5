import { join } from 'node:path';
import {
  cleanStaleTemps,
  openStateStore,
  StateError,
  watchState,
  writeState,
  writeStateSync,
} from '@fipc/state';
import { tempDir } from '@fipc/test-utils';
import { expect, it } from 'vitest';

const invalid = (call: () => unknown) => {
  expect(call).toThrow(StateError);
  expect(call).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
};

it('refuses bad options with INVALID_OPTIONS before touching anything', async () => {
  const path = join(tempDir(), 'state.json');
  const bad = { durability: 'always' } as never;
  await expect(writeState(path, { a: 1 }, bad)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  invalid(() => writeStateSync(path, { a: 1 }, bad));
  invalid(() => writeStateSync(path, { a: 1 }, { staleTempMs: -1 }));
  invalid(() => openStateStore(path, bad));
  invalid(() => openStateStore(path, { minIntervalMs: -1 }));
  invalid(() => openStateStore(path, { staleTempMs: Number.NaN }));
  invalid(() => watchState(path, { pollMs: 0 }));
  invalid(() => cleanStaleTemps(path, { staleTempMs: -5 }));
  expect(cleanStaleTemps(path, { staleTempMs: 0 })).toEqual([]);
});
