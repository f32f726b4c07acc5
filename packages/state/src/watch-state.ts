import type { StandardSchemaV1 } from '@standard-schema/spec';
import { DirectoryHints } from './directory-hints.js';
import { StateError } from './errors.js';
import { readStateBytesSync } from './read-state.js';
import { type FieldsOf, parseSnapshot, type Snapshot } from './snapshot.js';

/**
 * Options of {@link watchState}.
 *
 * @example
 * const options: WatchStateOptions<typeof Progress> = { schema: Progress, signal: AbortSignal.timeout(60_000) };
 */
export interface WatchStateOptions<S extends StandardSchemaV1 | undefined = undefined> {
  /** Validates each snapshot's fields; a snapshot the schema rejects is skipped (see `onInvalid`). */
  schema?: S;
  /** Ends the iteration (normally, without an error). */
  signal?: AbortSignal;
  /** Period of the safety poll that catches changes whose notification was lost. @default 1000 */
  pollMs?: number;
  /**
   * Called with the `INVALID_JSON` or `SCHEMA_MISMATCH` error of a file that was skipped; the watch goes on and
   * yields the next valid snapshot. @default ignore
   */
  onInvalid?: (error: StateError) => void;
}

/**
 * Yields the snapshot at `path` now (if there is one) and after every change, until `signal` aborts. It watches
 * the directory, so the rename that replaces the file on every write is seen; each notification is a hint to
 * read the whole file again, and a slow poll covers lost notifications. Readers never see a partial file; a
 * snapshot equal to the last one yielded is skipped; after a burst of writes the last yield is the final
 * snapshot. A missing file is waited for. `NOT_A_FILE` and `READ_FAILED` end the iteration with the error.
 *
 * @example
 * for await (const state of watchState('run-1/state.json', { signal: AbortSignal.timeout(60_000) })) {
 *   console.log(state.status);
 *   if (state.status === 'done') break;
 * }
 */
export async function* watchState<S extends StandardSchemaV1 | undefined = undefined>(
  path: string,
  options: WatchStateOptions<S> = {},
): AsyncGenerator<Snapshot<FieldsOf<S>>, void, undefined> {
  const { schema, signal, pollMs = 1000, onInvalid } = options;
  const hints = new DirectoryHints(path, pollMs, signal);
  let last: Buffer | undefined;
  try {
    for (;;) {
      // A change during this read leaves a hint set, so the loop reads again: the final write is never missed.
      await hints.wait();
      if (signal?.aborted) return;
      let bytes: Buffer;
      try {
        bytes = readStateBytesSync(path);
      } catch (error) {
        if (error instanceof StateError && error.code === 'NOT_FOUND') continue;
        throw error;
      }
      if (last?.equals(bytes)) continue;
      last = bytes;
      let snapshot: Snapshot;
      try {
        snapshot = await parseSnapshot(path, bytes, schema);
      } catch (error) {
        if (!(error instanceof StateError)) throw error;
        onInvalid?.(error);
        continue;
      }
      yield snapshot as Snapshot<FieldsOf<S>>;
    }
  } finally {
    hints.close();
  }
}
