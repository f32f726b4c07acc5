import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/** True for names and addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name === '::1' || (isIP(name) === 4 && name.startsWith('127.'));
}

/** The token clients must present: the given one, else a fresh random one unless `host` is loopback. */
export function requiredToken(host: string, given?: string): string | undefined {
  // It travels in a header, a cookie and a URL: keep to characters that need no escaping in any of them.
  if (given !== undefined && !/^[\w.~-]{12,256}$/.test(given)) {
    throw new Error('a token must be 12 to 256 characters among A-Z a-z 0-9 _ . ~ -');
  }
  return given ?? (isLoopback(host) ? undefined : randomBytes(18).toString('base64url'));
}

/** The `Host` names a request may carry: anything else is a DNS-rebinding attempt or a misrouted request. */
export function allowedHosts(bindHost: string): Set<string> {
  const names = ['localhost', '127.0.0.1', '::1', bindHost];
  if (!isLoopback(bindHost)) {
    // Bound to a real interface: people reach it by this machine's name or any of its addresses.
    names.push(hostname());
    for (const list of Object.values(networkInterfaces())) names.push(...(list ?? []).map((a) => a.address));
  }
  return new Set(names.map((name) => name.toLowerCase()));
}

/** Why a request is refused, as an HTTP status and a message; `undefined` lets it through. */
export type Refusal = { status: 401 | 403; message: string } | undefined;

export interface GuardOptions {
  hosts: Set<string>;
  /** Required on every request when set (always set on a non-loopback bind). */
  token: string | undefined;
}

export const TOKEN_COOKIE = 'fipc_demo_token';

/**
 * Checks, in order: the `Host` header (DNS rebinding), the `Origin` and `Sec-Fetch-Site` headers (cross-site
 * requests from other pages in the person's browser), then the token.
 */
export function checkRequest(req: IncomingMessage, { hosts, token }: GuardOptions): Refusal {
  const host = req.headers.host ?? '';
  const name = host
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  if (!hosts.has(name)) return { status: 403, message: `Host "${host}" is not allowed` };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) {
    return { status: 403, message: `cross-origin request from "${origin}" refused` };
  }
  const site = req.headers['sec-fetch-site'];
  if (req.url?.startsWith('/api/') && site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { status: 403, message: `${site} request refused` };
  }
  if (token === undefined) return undefined;
  const given = bearer(req) ?? cookie(req, TOKEN_COOKIE);
  if (given === undefined) {
    return {
      status: 401,
      message:
        'a token is required: open the URL the server printed, or send "Authorization: Bearer <token>"',
    };
  }
  return sameSecret(given, token) ? undefined : { status: 401, message: 'the token is wrong' };
}

function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** Compares in constant time, so the response time does not leak how much of a guess was right. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
