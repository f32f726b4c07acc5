import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStateStore, readState, StateError, writeState } from '@fipc/state';
import { smallTmpfs } from '@fipc/test-utils';
import { expect, it } from 'vitest';

it('disk full: the write rejects with DISK_FULL, the old snapshot stays readable, and writing works again once space is freed', async () => {
  const mount = smallTmpfs(256);
  if ('skip' in mount) {
    console.log(`skipped: ${mount.skip}`);
    return;
  }
  const path = join(mount.dir, 'state.json');
  await writeState(path, { status: 'before', pad: 'a'.repeat(1000) }, { durability: 'fsync' });
  // Fill the filesystem to the last byte with a filler file.
  const filler = join(mount.dir, 'filler');
  const chunk = Buffer.alloc(4096, 1);
  let filled = 0;
  try {
    for (;;) {
      writeFileSync(filler, chunk, { flag: 'a' });
      filled += chunk.length;
    }
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
  }
  console.log(`tmpfs of 256 KiB filled with ${filled} bytes`);
  const big = { status: 'after', pad: 'b'.repeat(64 * 1024) };
  for (const durability of ['none', 'fsync'] as const) {
    const error = await writeState(path, big, { durability }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StateError);
    expect(error).toMatchObject({ code: 'DISK_FULL', cause: { code: 'ENOSPC' } });
  }
  const store = openStateStore(path);
  await expect(store.set(big)).rejects.toMatchObject({ code: 'DISK_FULL' });
  expect(await readState(path)).toMatchObject({ status: 'before' });
  expect(readdirSync(mount.dir).sort()).toEqual(['filler', 'state.json']);

  rmSync(filler);
  expect((await store.flush())?.snapshot).toMatchObject({ status: 'after' }); // flush retries the failed write
  expect(await readState(path)).toMatchObject({ status: 'after' });
  await writeState(path, { status: 'again' }, { durability: 'fsync' });
  expect(await readState(path)).toMatchObject({ status: 'again' });
  await store.close();
  expect(readdirSync(mount.dir)).toEqual(['state.json']);
});
