import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Whether an address or name only reaches this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost') || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

const wildcard = new Set(['0.0.0.0', '::', '[::]']);

/**
 * Which `Host` headers a server bound to `host` accepts: a browser page from another site that resolves its
 * own name to 127.0.0.1 (DNS rebinding) sends its own name, and is refused. A wildcard bind cannot know the
 * names it is reached by, so it accepts any (the token is required there).
 */
export function hostChecker(host: string, extra: readonly string[]): (header: string | undefined) => boolean {
  if (wildcard.has(host) && extra.length === 0) return () => true;
  const allowed = new Set([...extra, ...(wildcard.has(host) ? [] : [host])].map(normal));
  return (header) => {
    if (!header) return false;
    const name = normal(header.replace(/:\d+$/, ''));
    return allowed.has(name) || (isLoopback(host) && isLoopback(name));
  };
}

const normal = (name: string) => name.replace(/^\[|\]$/g, '').toLowerCase();

/**
 * Checks a request's token, from `Authorization: Bearer <token>` or a `token` query parameter (a browser's
 * EventSource cannot set headers). Compares digests in constant time.
 */
export function tokenChecker(token: string | undefined): (request: IncomingMessage, url: URL) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(token);
  return (request, url) => {
    const header = request.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7) : url.searchParams.get('token');
    return given !== null && timingSafeEqual(digest(given), expected);
  };
}

const digest = (text: string) => createHash('sha256').update(text).digest();
