import { join } from 'node:path';
import { RequestError } from './errors.js';
import { publishExclusive, readSmallFile } from './files.js';
import { responseName } from './names.js';
import { parseResponse, type ResponseRecord, responseText } from './records.js';

/** Largest request or response file read or written, by default. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

export type OutcomeInput = Parameters<typeof responseText>[1];

/**
 * Publishes the request's one outcome (answer, error, cancellation or expiry): the first writer wins.
 * Returns false when an outcome (or anything else) already holds the name.
 */
export function publishOutcome(
  dir: string,
  id: string,
  outcome: OutcomeInput,
  { maxBytes = DEFAULT_MAX_BYTES, durable = false } = {},
): boolean {
  const text = responseText(id, outcome);
  if (text === undefined) {
    throw new RequestError('INVALID_PAYLOAD', `the answer to "${id}" is not serialisable as JSON`, {
      requestId: id,
    });
  }
  if (Buffer.byteLength(text) + 1 > maxBytes) {
    throw new RequestError('INVALID_PAYLOAD', `the answer to "${id}" is over maxBytes ${maxBytes}`, {
      requestId: id,
    });
  }
  return publishExclusive(dir, responseName(id), `${text}\n`, durable);
}

/**
 * Reads the outcome of `id`: undefined when there is none yet. Throws `UNSAFE_FILE`, `RESPONSE_TOO_LARGE`
 * or `MALFORMED_RESPONSE`.
 */
export function readOutcome(
  dir: string,
  id: string,
  maxBytes: number,
  mustExist = false,
): ResponseRecord | undefined {
  const result = readSmallFile(join(dir, responseName(id)), maxBytes);
  if (result.ok) return parseResponse(result.text, id);
  if (result.reason === 'missing' && !mustExist) return undefined;
  const code =
    result.reason === 'too-large'
      ? 'RESPONSE_TOO_LARGE'
      : result.reason === 'unsafe'
        ? 'UNSAFE_FILE'
        : 'IO_ERROR';
  throw new RequestError(code, result.detail, { requestId: id });
}

/** The typed error for a response that already closed the request. */
export function closedError(id: string, outcome: ResponseRecord): RequestError {
  const code =
    outcome.status === 'answered'
      ? 'ALREADY_ANSWERED'
      : outcome.status === 'cancelled'
        ? 'REQUEST_CANCELLED'
        : 'REQUEST_EXPIRED';
  return new RequestError(code, `request "${id}" is already ${outcome.status}`, { requestId: id });
}
