import { ChangeHints, DEFAULT_POLL_MS, type OnSkip, positiveMs, type StandardSchemaV1 } from '@fipc/core';
import { StateError } from './errors.js';
import { readStateBytesSync } from './read-state.js';
import { assemble, checkFields, type FieldsOf, parseSnapshot, type Snapshot } from './snapshot.js';

/**
 * Options of {@link watchState}.
 *
 * @example
 * const options: WatchStateOptions<typeof Progress> = { schema: Progress, signal: AbortSignal.timeout(60_000) };
 */
export interface WatchStateOptions<S extends StandardSchemaV1 | undefined = undefined> {
  /** Validates each snapshot's fields (the yield holds the output); one the schema rejects is skipped. */
  schema?: S;
  /** Ends the iteration (normally, without an error). */
  signal?: AbortSignal;
  /** Period of the safety poll that catches changes whose notification was lost. @default DEFAULT_POLL_MS (500) */
  pollMs?: number;
  /**
   * Called for a file that was skipped (not UTF-8 JSON, not a snapshot, rejected by the schema), with the
   * `INVALID_JSON` or `SCHEMA_MISMATCH` {@link StateError} as `cause`; the watch goes on and yields the next
   * valid snapshot. @default ignore
   */
  onSkip?: OnSkip;
}

/**
 * Yields the snapshot at `path` now (if there is one) and after every change, until `signal` aborts. It watches
 * the directory, so the rename that replaces the file on every write is seen; each notification is a hint to
 * read the whole file again, and a safety poll every `pollMs` covers lost notifications. Readers never see a
 * partial file; a snapshot equal to the last one yielded is skipped; after a burst of writes the last yield is
 * the final snapshot. A missing file is waited for. `NOT_A_FILE`, `TOO_LARGE` and `IO_ERROR` end the iteration
 * with the error; a bad `pollMs` throws `INVALID_OPTIONS` at the call.
 *
 * @example
 * for await (const state of watchState('run-1/state.json', { signal: AbortSignal.timeout(60_000) })) {
 *   console.log(state.status);
 *   if (state.status === 'done') break;
 * }
 */
export function watchState<S extends StandardSchemaV1 | undefined = undefined>(
  path: string,
  options: WatchStateOptions<S> = {},
): AsyncGenerator<Snapshot<FieldsOf<S>>, void, undefined> {
  let pollMs: number;
  try {
    pollMs = positiveMs('pollMs', options.pollMs, DEFAULT_POLL_MS);
  } catch (error) {
    throw StateError.from(error, path);
  }
  return watch(path, pollMs, options) as AsyncGenerator<Snapshot<FieldsOf<S>>, void, undefined>;
}

async function* watch(
  path: string,
  pollMs: number,
  { schema, signal, onSkip }: WatchStateOptions<StandardSchemaV1 | undefined>,
): AsyncGenerator<Snapshot, void, undefined> {
  const hints = new ChangeHints(path, pollMs, signal);
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
        const parts = parseSnapshot(path, bytes);
        parts.fields = await checkFields(path, schema, parts.fields);
        snapshot = assemble(parts) as Snapshot;
      } catch (error) {
        if (!(error instanceof StateError)) throw error;
        onSkip?.({ reason: error.message, path, length: bytes.length, cause: error });
        continue;
      }
      yield snapshot;
    }
  } finally {
    hints.close();
  }
}
