import { readdirSync } from 'node:fs';
import type { OnSkip } from '@fipc/core';
import { openDirectory } from './directory.js';
import { type RequestError, type ResponseErrorInfo, requestError } from './errors.js';
import { leaseExpired } from './lease.js';
import { leaseName, parseName } from './names.js';
import { DEFAULT_MAX_BYTES, readOutcome } from './outcome.js';
import { expiresAt, type JsonValue, type RequestRecord, type ResponseRecord } from './records.js';
import { readRequest } from './request-file.js';

/**
 * Where a request stands. `claimed`: a responder holds a live lease and is working on it. `expired`: its
 * `expires_at` passed without an answer (whether or not anyone wrote the expiry yet).
 *
 * @example
 * const done = (status: RequestStatus) => status === 'answered' || status === 'cancelled' || status === 'expired';
 */
export type RequestStatus = 'pending' | 'claimed' | 'answered' | 'cancelled' | 'expired';

/**
 * One request as {@link listRequests} reports it.
 *
 * @example
 * const [first]: RequestInfo[] = await listRequests('runs/run-1', { status: 'pending' });
 * if (first) console.log(first.id, first.payload, first.expiresAt);
 */
export interface RequestInfo {
  /** The request id (the file name without `.json`). */
  id: string;
  /** Where the request stands now. */
  status: RequestStatus;
  /** The question, as the requester wrote it. */
  payload: JsonValue | undefined;
  /** JSON Schema of the expected answer. */
  schema: RequestRecord['schema'];
  /** ISO 8601, UTC. */
  requestedAt: string;
  /** ISO 8601, UTC, or `null` for a request that never expires. */
  expiresAt: string | null;
  /** The whole request file. */
  request: RequestRecord;
  /** The response file, when there is one. */
  response: ResponseRecord | undefined;
  /** For an answered request whose responder failed. */
  error: ResponseErrorInfo | undefined;
}

/**
 * Options of {@link listRequests}.
 *
 * @example
 * const open = await listRequests('runs/run-1', { status: ['pending', 'claimed'] } satisfies ListOptions);
 */
export interface ListOptions {
  /** Only requests in this status (or these). @default every status */
  status?: RequestStatus | RequestStatus[];
  /**
   * Told about each file left out or ignored: a request file that cannot be read or is not a request, a
   * response file that is not a response (its request is listed as answered, without `response`).
   */
  onSkip?: OnSkip;
}

/**
 * The requests of a directory, oldest first, for UIs and tools. Request files that cannot be read or parsed
 * are left out (they never crash a listing); so are responses that are malformed (the request is listed as
 * answered without a response); `onSkip` is told about each. A missing directory lists as empty.
 *
 * @example
 * for (const { id, payload, schema } of await listRequests('runs/run-1', { status: 'pending' })) {
 *   console.log(id, payload, schema);
 * }
 */
export async function listRequests(dir: string, options: ListOptions = {}): Promise<RequestInfo[]> {
  let path: string;
  try {
    path = openDirectory(dir, false);
  } catch (error) {
    if ((error as RequestError).code === 'NOT_FOUND') return [];
    throw error;
  }
  const wanted = options.status === undefined ? undefined : new Set([options.status].flat());
  const skip = (error: unknown) =>
    options.onSkip?.({ reason: (error as Error).message, path: (error as RequestError).path, cause: error });
  let names: string[];
  try {
    names = readdirSync(path);
  } catch (error) {
    throw requestError(error, path);
  }
  const responses = new Set<string>();
  const leases = new Map<string, number>();
  const requests: string[] = [];
  for (const name of names) {
    const parsed = parseName(name);
    if (parsed?.kind === 'request') requests.push(parsed.id);
    else if (parsed?.kind === 'response') responses.add(parsed.id);
    else if (parsed?.kind === 'lease')
      leases.set(parsed.id, Math.max(leases.get(parsed.id) ?? 0, parsed.generation));
  }
  const now = Date.now();
  const list: RequestInfo[] = [];
  for (const id of requests) {
    let request: RequestRecord;
    try {
      request = readRequest(path, id, DEFAULT_MAX_BYTES);
    } catch (error) {
      // A request removed since the listing is no news; anything else is a file that is not a request.
      if ((error as RequestError).code !== 'NOT_FOUND') skip(error);
      continue;
    }
    let response: ResponseRecord | undefined;
    let status: RequestStatus;
    if (responses.has(id)) {
      try {
        response = readOutcome(path, id, DEFAULT_MAX_BYTES);
      } catch (error) {
        skip(error);
        response = undefined;
      }
      status = response && response.status !== 'answered' ? response.status : 'answered';
    } else if (now >= expiresAt(request)) status = 'expired';
    else {
      const generation = leases.get(id);
      status = generation && !leaseExpired(path, leaseName(id, generation), now) ? 'claimed' : 'pending';
    }
    if (wanted && !wanted.has(status)) continue;
    list.push({
      id,
      status,
      payload: request.payload,
      schema: request.schema,
      requestedAt: request.requested_at,
      expiresAt: request.expires_at ?? null,
      request,
      response,
      error: response && 'error' in response ? response.error : undefined,
    });
  }
  return list.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.id.localeCompare(b.id));
}
