import { stat } from 'node:fs/promises';

/**
 * A directory's mtime this much older than the moment it was read cannot change again without changing value
 * (file times come from a coarse clock: a change in the same tick as the read could keep it).
 */
const SETTLED_MS = 1_000;

/**
 * Tells whether a directory's entries may have changed since the last look, from its mtime (an entry created,
 * removed or renamed sets it): a poll of a directory of 10,000 runs then costs one `stat`, not a read of every name.
 */
export class DirStamp {
  #seen: bigint | undefined;

  constructor(readonly dir: string) {}

  /** Whether to read the directory now; call {@link seen} with the result once it is read. */
  async changed(): Promise<{ changed: boolean; stamp: bigint; at: number }> {
    const at = Date.now();
    const { mtimeNs } = await stat(this.dir, { bigint: true });
    return { changed: mtimeNs !== this.#seen, stamp: mtimeNs, at };
  }

  /** Records the mtime read before the directory was, once it is too old to hide a later change. */
  seen({ stamp, at }: { stamp: bigint; at: number }): void {
    this.#seen = at - Number(stamp / 1_000_000n) > SETTLED_MS ? stamp : undefined;
  }
}
