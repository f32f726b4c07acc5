import { randomUUID } from 'node:crypto';
import { NatsBridgeError } from './errors.js';

// PROTOCOL.md 4.2, so that a request can also live as a file: 1 to 128 of [A-Za-z0-9._-], no leading dot, no '..'.
const ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** The id to use: `id` checked against PROTOCOL.md 4.2 (`INVALID_ID`), or a random UUID. */
export function requestId(id: string | undefined): string {
  if (id === undefined) return randomUUID();
  if (typeof id !== 'string' || !ID.test(id) || id.includes('..'))
    throw new NatsBridgeError('INVALID_ID', `invalid request id ${JSON.stringify(id)} (PROTOCOL.md 4.2)`, {
      requestId: typeof id === 'string' ? id : undefined,
    });
  return id;
}
