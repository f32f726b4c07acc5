import { type Durability, durabilityOption, positiveMs } from '@fipc/core';
import { openDirectory } from './directory.js';
import { RequestError } from './errors.js';
import { assertValidId } from './ids.js';
import {
  closedError,
  DEFAULT_MAX_BYTES,
  type OutcomeInput,
  publishOutcome,
  readOutcome,
  type WriteSettings,
} from './outcome.js';
import { expiresAt, type RequestRecord } from './records.js';
import { readRequest } from './request-file.js';

/**
 * Options of {@link respond} and {@link cancelRequest}.
 *
 * @example
 * await respond('runs/run-1', id, { approved: true }, { durability: 'fsync' } satisfies RespondOptions);
 */
export interface RespondOptions {
  /**
   * Largest request file read and response file written, in bytes.
   * @default 1 MiB
   */
  maxBytes?: number;
  /**
   * `'fsync'`: the response file and the directory are on stable storage when the call resolves.
   * @default 'none'
   */
  durability?: Durability;
}

/**
 * Answers request `id` from any process. The response file is published atomically and exclusively, so the
 * first answer wins; the requester's Promise resolves within milliseconds.
 *
 * Rejects with {@link RequestError}: `ALREADY_ANSWERED`, `NOT_FOUND`, `REQUEST_CANCELLED`,
 * `REQUEST_EXPIRED`, `INVALID_ID`, `INVALID_OPTIONS`, `SCHEMA_MISMATCH` (not JSON), `TOO_LARGE` (over
 * `maxBytes`), `NOT_A_FILE`, `UNSAFE_DIRECTORY`, `MALFORMED_REQUEST`, `DISK_FULL`, `IO_ERROR`.
 *
 * @example
 * for (const { id, payload } of await listRequests('runs/run-1', { status: 'pending' })) {
 *   await respond('runs/run-1', id, { approved: true });
 * }
 */
export async function respond(
  dir: string,
  id: string,
  payload: unknown,
  options: RespondOptions = {},
): Promise<void> {
  close(dir, id, { status: 'answered', payload: payload ?? null }, options);
}

/**
 * Cancels request `id` from any process (a UI's "dismiss", an operator): the requester rejects with
 * `REQUEST_CANCELLED`, responders see the cancellation and abort their handler. Throws like {@link respond}.
 *
 * @example
 * await cancelRequest('runs/run-1', id, { reason: 'run cancelled by the user' });
 */
export async function cancelRequest(
  dir: string,
  id: string,
  options: RespondOptions & { reason?: string } = {},
): Promise<void> {
  close(dir, id, { status: 'cancelled', reason: options.reason ?? 'cancelled' }, options);
}

function close(dir: string, id: string, outcome: OutcomeInput, options: RespondOptions): void {
  assertValidId(id);
  let settings: WriteSettings;
  try {
    settings = {
      maxBytes: positiveMs('maxBytes', options.maxBytes, DEFAULT_MAX_BYTES),
      durability: durabilityOption(options.durability),
    };
  } catch (error) {
    throw RequestError.from(error);
  }
  const path = openDirectory(dir, false);
  closeRequest(path, id, readRequest(path, id, settings.maxBytes), outcome, settings);
}

/** Publishes `outcome` unless the request has one already or has expired, which throw the matching error. */
export function closeRequest(
  path: string,
  id: string,
  request: RequestRecord,
  outcome: OutcomeInput,
  options: WriteSettings,
): void {
  if (Date.now() >= expiresAt(request)) {
    // Record the expiry so that every later reader agrees, unless an outcome came first.
    publishOutcome(path, id, { status: 'expired' }, options);
  } else if (publishOutcome(path, id, outcome, options)) {
    return;
  }
  let existing: ReturnType<typeof readOutcome>;
  try {
    existing = readOutcome(path, id, options.maxBytes, true);
  } catch (error) {
    throw new RequestError('ALREADY_ANSWERED', `request "${id}" already has a response`, {
      requestId: id,
      cause: error,
    });
  }
  throw closedError(id, existing!);
}
