import { randomBytes } from 'node:crypto';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** The prefix of a run directory being deleted: renamed first, so the run vanishes from a scan at once. */
const TRASH = '.deleted-';

/**
 * Deletes run directory `dir`: renamed aside first, so it vanishes at once (an absent one is already gone),
 * then `vanished` is called, then the renamed directory is removed.
 */
export async function deleteRunDir(runsDir: string, dir: string, vanished: () => void): Promise<void> {
  const trash = join(runsDir, `${TRASH}${randomBytes(6).toString('hex')}`);
  await rename(dir, trash).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  vanished();
  await rm(trash, { recursive: true, force: true });
}

/** Removes what a deletion interrupted by a crash left behind (it was already gone from the list). */
export async function emptyTrash(runsDir: string): Promise<void> {
  for (const name of await readdir(runsDir)) {
    if (name.startsWith(TRASH)) await rm(join(runsDir, name), { recursive: true, force: true });
  }
}
