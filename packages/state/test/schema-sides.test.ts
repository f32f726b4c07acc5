import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStateStore, readState, watchState, writeState, writeStateSync } from '@fipc/state';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// A default and a transform: the output differs from the input, and is valid input again.
const Job = z.object({
  status: z.string(),
  retries: z.number().default(3),
  label: z.string().transform((label) => label.toUpperCase()),
});
const onDisk = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('schema sides: writers write the output, readers return the output', () => {
  it('writeState and writeStateSync write the default and the transform to the file', async () => {
    const path = join(tempDir(), 'state.json');
    const written = await writeState(path, { status: 'running', label: 'build' }, { schema: Job });
    expect(written).toMatchObject({ status: 'running', retries: 3, label: 'BUILD' });
    expect(onDisk(path)).toMatchObject({ status: 'running', retries: 3, label: 'BUILD' });
    writeStateSync(path, { status: 'done', label: 'deploy' }, { schema: Job });
    expect(onDisk(path)).toMatchObject({ status: 'done', retries: 3, label: 'DEPLOY' });
    expect(Object.keys(onDisk(path))).toEqual(['instance_id', 'updated_at', 'status', 'retries', 'label']);
  });

  it('a hand-written schema: its output is written, and it cannot change the metadata', async () => {
    const path = join(tempDir(), 'state.json');
    const Stamped = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) => ({
          value: { ...(value as object), seen: true, instance_id: 'forged' },
        }),
      },
    };
    await writeState(path, { n: 1 }, { schema: Stamped, instanceId: 'run-1' });
    expect(onDisk(path)).toMatchObject({ instance_id: 'run-1', n: 1, seen: true });
  });

  it('a store writes the output of the schema on every physical write', async () => {
    const path = join(tempDir(), 'state.json');
    const store = openStateStore(path, { schema: Job, initial: { status: 'starting', label: 'plan' } });
    const landed = await store.update({ status: 'running' });
    expect(landed.snapshot).toMatchObject({ status: 'running', retries: 3, label: 'PLAN' });
    expect(onDisk(path)).toMatchObject({ status: 'running', retries: 3, label: 'PLAN' });
    await store.close();
  });

  it('readState and watchState return the output of the schema', async () => {
    const path = join(tempDir(), 'state.json');
    await writeState(path, { status: 'running', label: 'build' });
    expect(await readState(path, { schema: Job })).toMatchObject({ retries: 3, label: 'BUILD' });
    const controller = new AbortController();
    for await (const state of watchState(path, { schema: Job, signal: controller.signal })) {
      expect(state).toMatchObject({ retries: 3, label: 'BUILD' });
      controller.abort();
    }
  });
});
