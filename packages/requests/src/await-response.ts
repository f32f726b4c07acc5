import type { StandardSchemaV1 } from '@fipc/core';
import { openDirectory } from './directory.js';
import { RequestError } from './errors.js';
import { assertValidId } from './ids.js';
import { readOutcome } from './outcome.js';
import { expiresAt } from './records.js';
import { readRequest } from './request-file.js';
import { type Answer, checkOptions, type WaitOptions } from './request-options.js';
import { scheduleSweep } from './sweep.js';
import { waitForOutcome } from './wait-outcome.js';

/**
 * Waits for the outcome of a request made earlier, by id: the way a restarted requester gets an answer that
 * was written while it was down. Same semantics as {@link request} once the request is written: `timeoutMs`
 * (or the request's own `expires_at`, whichever is first) expires it, `signal` cancels it.
 *
 * Rejects like `request`, plus `NOT_FOUND` when there is no such request (never made, or removed by
 * retention).
 *
 * @example
 * // after a restart: the id was saved before the crash
 * const answer = await awaitResponse('runs/run-1', savedId, { schema: Approval });
 */
export async function awaitResponse<S extends StandardSchemaV1 = StandardSchemaV1>(
  dir: string,
  id: string,
  options: WaitOptions<S> = {},
): Promise<Answer<S>> {
  assertValidId(id);
  const settings = checkOptions(options);
  const { maxBytes, timeoutMs } = settings;
  const path = openDirectory(dir, false);
  let deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
  try {
    deadline = Math.min(deadline, expiresAt(readRequest(path, id, maxBytes)));
  } catch (error) {
    // Retention removes the request file before the response: an outcome alone is still delivered.
    if (!(error instanceof RequestError && error.code === 'NOT_FOUND')) throw error;
    if (!readOutcome(path, id, maxBytes)) throw error;
  }
  scheduleSweep(path, settings.retentionMs);
  return (await waitForOutcome({
    ...settings,
    dir: path,
    id,
    deadline,
    schema: options.schema,
    signal: options.signal,
    events: options.events,
    eventsReady: Promise.resolve(),
  })) as Answer<S>;
}
