import { FipcError } from '@fipc/core';

// Kept as they are: the characters every subject token, KV key, stream and consumer name accepts.
const PLAIN = /[A-Za-z0-9-]/;

/**
 * Encodes an instance id (or a request id) as one NATS subject token, also valid as a KV key and inside a
 * consumer name: ASCII letters, digits and `-` stay as they are, every other UTF-8 byte (`.`, `_`, `*`, `>`,
 * spaces, non-ASCII) becomes `_` and two upper-case hex digits. Distinct ids get distinct tokens, and
 * `run-1` stays `run-1`. Throws `INVALID_OPTIONS` for an empty id.
 *
 * @example
 * subjectToken('run-1'); // 'run-1'
 * subjectToken('eu.run_7'); // 'eu_2Erun_5F7'
 */
export function subjectToken(id: string): string {
  if (typeof id !== 'string' || id === '')
    throw new FipcError('INVALID_OPTIONS', `an id must be a non-empty string, not ${JSON.stringify(id)}`);
  let token = '';
  for (const char of id) {
    if (PLAIN.test(char)) token += char;
    else
      for (const byte of Buffer.from(char)) token += `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return token;
}

/**
 * The id a {@link subjectToken} encodes; `undefined` for a string no id encodes to.
 *
 * @example
 * idOfToken('eu_2Erun_5F7'); // 'eu.run_7'
 */
export function idOfToken(token: string): string | undefined {
  if (!/^(?:[A-Za-z0-9-]|_[0-9A-F]{2})+$/.test(token)) return undefined;
  const bytes = Buffer.from(
    token.replace(/_([0-9A-F]{2})/g, (_, hex: string) => `%${hex}`),
    'latin1',
  );
  try {
    const id = decodeURIComponent(bytes.toString('latin1'));
    return subjectToken(id) === token ? id : undefined;
  } catch {
    return undefined;
  }
}
