import { randomUUID } from 'node:crypto';
import { RequestError } from './errors.js';

/**
 * Longest accepted request id, in characters.
 *
 * @example
 * const id = `deploy-${runId}`.slice(0, MAX_ID_LENGTH);
 */
export const MAX_ID_LENGTH = 128;

// Letters, digits, `_`, `-` and `.`; not starting with `.` (hidden files are temp files), no `..`.
// Everything else (`/`, `\`, `:`, NUL, spaces, non-ASCII) is refused: an id is always a safe bare file name.
const ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Whether `id` is a valid request id (see {@link assertValidId}).
 *
 * @example
 * if (!isValidId(params.id)) return new Response('bad id', { status: 400 });
 */
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= MAX_ID_LENGTH && ID.test(id) && !id.includes('..');
}

/**
 * Throws `INVALID_ID` unless `id` is 1 to 128 characters of `[A-Za-z0-9._-]`, not starting with `.` and
 * without `..`.
 *
 * @example
 * assertValidId('deploy-approval.v2'); // ok
 * assertValidId('../etc/passwd'); // throws RequestError INVALID_ID
 */
export function assertValidId(id: unknown): asserts id is string {
  if (!isValidId(id)) {
    const shown = typeof id === 'string' ? JSON.stringify(id.slice(0, 40)) : typeof id;
    throw new RequestError(
      'INVALID_ID',
      `invalid request id ${shown}: use 1-${MAX_ID_LENGTH} characters of A-Z a-z 0-9 . _ -, not starting with "." and without ".."`,
    );
  }
}

export const generateId = (): string => randomUUID();
