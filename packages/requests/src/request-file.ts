import { join } from 'node:path';
import { readRegularFileSync } from '@fipc/core';
import { requestError } from './errors.js';
import { requestName } from './names.js';
import { parseRequest, type RequestRecord } from './records.js';

/**
 * Reads and parses the request file of `id`. Throws `NOT_FOUND`, `NOT_A_FILE`, `TOO_LARGE`,
 * `MALFORMED_REQUEST` or `IO_ERROR`.
 */
export function readRequest(dir: string, id: string, maxBytes: number): RequestRecord {
  const path = join(dir, requestName(id));
  let bytes: Buffer;
  try {
    bytes = readRegularFileSync(path, { maxBytes });
  } catch (error) {
    throw requestError(error, path, id);
  }
  return parseRequest(bytes, id, path);
}

/** The codes of a request file that is there but is not a request: bad input, never retried. */
export const BAD_REQUEST_CODES: ReadonlySet<string> = new Set([
  'NOT_A_FILE',
  'TOO_LARGE',
  'MALFORMED_REQUEST',
]);
