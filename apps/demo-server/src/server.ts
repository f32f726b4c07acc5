import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLL_MS, positiveMs } from '@fipc/core';
import { HttpError, sendJson } from './http.js';
import { bundlePage } from './page-bundle.js';
import { apiRoutes } from './routes.js';
import { RunStore } from './runs.js';
import { allowedHosts, checkRequest, requiredToken, sameSecret, TOKEN_COOKIE } from './security.js';

export type { RunView } from './run-view.js';
export { isLoopback, requiredToken } from './security.js';

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** Where runs live, one directory each. */
  runsDir: string;
  /**
   * Required from every client when set. Binding to a non-loopback host without one generates one.
   * @default none on loopback
   */
  token?: string;
  /** The command that starts a worker; the server appends `--dir=<run dir> --title=<title>`. */
  workerCommand: readonly string[];
  /**
   * How often the runs directory is rescanned and the workers this server did not spawn are checked for life
   * (besides change notifications and exit events, which are immediate).
   * @default DEFAULT_POLL_MS (500)
   */
  pollMs?: number;
}

export interface DemoServer {
  /** The URL to open, with the token when there is one. */
  url: string;
  port: number;
  token: string | undefined;
  runsDir: string;
  close(): Promise<void>;
}

const publicDir = join(import.meta.dirname, '..', 'public');
const ASSETS: Record<string, [type: string, file: string]> = {
  '/': ['text/html; charset=utf-8', 'index.html'],
  '/app.js': ['text/javascript; charset=utf-8', 'app.js'],
  '/feed.js': ['text/javascript; charset=utf-8', 'feed.js'],
  '/live.js': ['text/javascript; charset=utf-8', 'live.js'],
  '/style.css': ['text/css; charset=utf-8', 'style.css'],
  '/favicon.svg': ['image/svg+xml', 'favicon.svg'],
};

/**
 * Starts the demo server: the page, the JSON API and the SSE streams over the runs directory.
 *
 * @example
 * const server = await startServer({ runsDir: 'runs', workerCommand: ['demo-worker'] });
 * console.log(`open ${server.url}`);
 */
export async function startServer(options: ServerOptions): Promise<DemoServer> {
  const host = options.host ?? '127.0.0.1';
  const token = requiredToken(host, options.token);
  const hosts = allowedHosts(host);
  const pollMs = positiveMs('pollMs', options.pollMs, DEFAULT_POLL_MS);
  const runs = await RunStore.open({ dir: options.runsDir, workerCommand: options.workerCommand, pollMs });
  const routes = apiRoutes(runs);
  const records = await bundlePage().catch((error: unknown) => {
    runs.close();
    throw error;
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://host');
    const refusal = checkRequest(req, { hosts, token });
    // The printed URL carries the token once; it becomes a same-site cookie so EventSource can send it too.
    const given = url.pathname === '/' ? url.searchParams.get('token') : null;
    if (refusal?.status === 401 && token && given !== null && sameSecret(given, token)) {
      res.writeHead(303, {
        location: '/',
        'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      });
      return void res.end();
    }
    if (refusal) {
      const auth = refusal.status === 401 ? { 'www-authenticate': 'Bearer realm="fipc-demo"' } : {};
      return sendJson(res, refusal.status, { error: refusal.message }, auth);
    }
    const asset = ASSETS[url.pathname];
    if (asset && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'content-type': asset[0], 'cache-control': 'no-cache' });
      return void res.end(req.method === 'HEAD' ? undefined : readFileSync(join(publicDir, asset[1])));
    }
    if (url.pathname === '/records.js' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
      return void res.end(req.method === 'HEAD' ? undefined : records);
    }
    const matches = routes.filter(([, path]) => path.test(url.pathname));
    const route = matches.find(([method]) => method === req.method);
    if (!route) {
      if (matches.length === 0) throw new HttpError(404, `no route ${url.pathname}`);
      throw new HttpError(405, `${req.method} is not allowed on ${url.pathname}`, {
        allow: matches.map(([method]) => method).join(', '),
      });
    }
    const params = route[1].exec(url.pathname)!.slice(1);
    await route[2](req, res, ...params);
  }

  const server = createServer((req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('content-security-policy', "default-src 'self'; frame-ancestors 'none'");
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpError)
        return sendJson(res, error.status, { error: error.message }, error.headers);
      console.error(error);
      sendJson(res, 500, { error: 'internal error; see the server log' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  }).catch((error: unknown) => {
    runs.close();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard bind is reached through this machine's name (browsers refuse http://0.0.0.0).
  const shown = host === '0.0.0.0' || host === '::' ? hostname() : host;
  const origin = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/`;
  return {
    url: token ? `${origin}?token=${token}` : origin,
    port,
    token,
    runsDir: options.runsDir,
    close: () =>
      new Promise((resolve) => {
        runs.close();
        server.close(() => resolve());
        server.closeAllConnections(); // open event streams would otherwise hold the server up
      }),
  };
}
