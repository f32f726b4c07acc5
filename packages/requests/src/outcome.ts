import { join } from 'node:path';
import { type Durability, readRegularFileSync } from '@fipc/core';
import { RequestError, requestError } from './errors.js';
import { publishExclusive } from './files.js';
import { responseName } from './names.js';
import { parseResponse, type ResponseRecord, responseText } from './records.js';

/** Largest request or response file read or written, by default. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

export type OutcomeInput = Parameters<typeof responseText>[1];

/** How outcomes and requests are written. */
export interface WriteSettings {
  maxBytes: number;
  durability: Durability;
}

/**
 * Publishes the request's one outcome (answer, error, cancellation or expiry): the first writer wins.
 * Returns false when an outcome (or anything else) already holds the name. Throws `SCHEMA_MISMATCH` (not
 * JSON), `TOO_LARGE`, `DISK_FULL`, `IO_ERROR`.
 */
export function publishOutcome(
  dir: string,
  id: string,
  outcome: OutcomeInput,
  settings: WriteSettings,
): boolean {
  const text = responseText(id, outcome);
  return publishText(dir, responseName(id), id, text, settings, `the answer to "${id}"`);
}

/** Publishes a request or response file's text exclusively, within `maxBytes`. */
export function publishText(
  dir: string,
  name: string,
  id: string,
  text: string | undefined,
  { maxBytes, durability }: WriteSettings,
  what: string,
): boolean {
  if (text === undefined) {
    throw new RequestError('SCHEMA_MISMATCH', `${what} is not serialisable as JSON`, { requestId: id });
  }
  if (Buffer.byteLength(text) + 1 > maxBytes) {
    throw new RequestError('TOO_LARGE', `${what} is over maxBytes ${maxBytes}`, { requestId: id });
  }
  try {
    return publishExclusive(dir, name, `${text}\n`, durability);
  } catch (error) {
    throw requestError(error, join(dir, name), id);
  }
}

/**
 * Reads the outcome of `id`: undefined when there is none yet (unless `mustExist`: `NOT_FOUND`). Throws
 * `NOT_A_FILE`, `TOO_LARGE`, `MALFORMED_RESPONSE` or `IO_ERROR`.
 */
export function readOutcome(
  dir: string,
  id: string,
  maxBytes: number,
  mustExist = false,
): ResponseRecord | undefined {
  const path = join(dir, responseName(id));
  let bytes: Buffer;
  try {
    bytes = readRegularFileSync(path, { maxBytes });
  } catch (error) {
    const converted = requestError(error, path, id);
    if (converted.code === 'NOT_FOUND' && !mustExist) return undefined;
    throw converted;
  }
  return parseResponse(bytes, id, path);
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
