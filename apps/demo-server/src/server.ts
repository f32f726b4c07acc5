import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Approval, Question, runPaths, TERMINAL_EVENTS } from '@fipc/demo-worker';
import { listRequests, respond } from '@fipc/requests';
import { sseHandler } from '@fipc/sse';
import { z } from 'zod';
import { HttpError, readJson, sendJson, validate } from './http.js';
import { RunId, RunStore } from './runs.js';
import { allowedHosts, checkRequest, requiredToken, sameSecret, TOKEN_COOKIE } from './security.js';

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
  /** The command that starts a worker; the server appends `--dir <run dir> --title <title>`. */
  workerCommand: readonly string[];
}

export interface DemoServer {
  /** The URL to open, with the token when there is one. */
  url: string;
  port: number;
  token: string | undefined;
  runsDir: string;
  close(): Promise<void>;
}

const RequestId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'not a request id');
const NewRun = z.strictObject({ title: z.string().trim().min(1).max(80).optional() });
const Answer = Approval.strict();
const publicDir = join(import.meta.dirname, '..', 'public');
const ASSETS: Record<string, [type: string, file: string]> = {
  '/': ['text/html; charset=utf-8', 'index.html'],
  '/app.js': ['text/javascript; charset=utf-8', 'app.js'],
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
  const runs = new RunStore({ dir: options.runsDir, workerCommand: options.workerCommand });
  const logPaths = new WeakMap<IncomingMessage, string>();
  const events = sseHandler((req) => logPaths.get(req), {
    terminal: [...TERMINAL_EVENTS],
    retryMs: 1_000,
    heartbeatMs: 15_000,
  });

  /** The run named in the path: 400 for a malformed id, 404 for an unknown one. */
  async function findRun(rawId: string) {
    const id = validate(RunId, rawId, 'run id');
    const run = await runs.get(id);
    if (!run) throw new HttpError(404, `no run "${id}"`);
    return run;
  }

  type Handler = (req: IncomingMessage, res: ServerResponse, ...params: string[]) => Promise<void>;
  const routes: [method: string, path: RegExp, handler: Handler][] = [
    ['GET', /^\/api\/runs$/, async (_req, res) => sendJson(res, 200, { runs: await runs.list() })],
    [
      'POST',
      /^\/api\/runs$/,
      async (req, res) => {
        const { title = 'Release 1.4.0' } = validate(NewRun, await readJson(req), 'body');
        const id = await runs.create(title);
        sendJson(res, 201, { id }, { location: `/api/runs/${id}` });
      },
    ],
    ['GET', /^\/api\/runs\/([^/]+)$/, async (_req, res, id) => sendJson(res, 200, await findRun(id!))],
    [
      'GET',
      /^\/api\/runs\/([^/]+)\/events$/,
      async (req, res, id) => {
        logPaths.set(req, runPaths(runs.path((await findRun(id!)).id)).events);
        await events(req, res);
      },
    ],
    [
      'GET',
      /^\/api\/runs\/([^/]+)\/requests$/,
      async (_req, res, id) => {
        const run = await findRun(id!);
        const pending = await listRequests(runs.path(run.id), { status: 'pending' });
        const requests = pending.map(({ id, payload, requestedAt, expiresAt }) => ({
          // Anyone may drop a request in the directory: show a foreign one as it is rather than fail.
          ...(Question.safeParse(payload).data ?? {
            question: `Request ${id}`,
            details: JSON.stringify(payload),
          }),
          id,
          requested_at: requestedAt,
          expires_at: expiresAt,
        }));
        sendJson(res, 200, { requests });
      },
    ],
    [
      'POST',
      /^\/api\/runs\/([^/]+)\/requests\/([^/]+)$/,
      async (req, res, id, requestId) => {
        const run = await findRun(id!);
        const rid = validate(RequestId, requestId, 'request id');
        const answer = validate(Answer, await readJson(req), 'body');
        try {
          await respond(runs.path(run.id), rid, answer);
        } catch (error) {
          throw answerRefused(error, rid);
        }
        sendJson(res, 200, { id: rid, answer });
      },
    ],
    [
      'POST',
      /^\/api\/runs\/([^/]+)\/cancel$/,
      async (_req, res, id) => {
        const run = await findRun(id!);
        if (!['starting', 'running', 'waiting'].includes(run.status) || !runs.cancel(run.id, run)) {
          throw new HttpError(409, `run ${run.id} is ${run.status}: there is no worker to cancel`);
        }
        sendJson(res, 202, { id: run.id, status: 'cancelling' });
      },
    ],
  ];

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
        server.close(() => resolve());
        server.closeAllConnections(); // open event streams would otherwise hold the server up
      }),
  };
}

/** Maps @fipc/requests errors to the HTTP status a client can act on. */
function answerRefused(error: unknown, id: string): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'ALREADY_ANSWERED') return new HttpError(409, `request ${id} is already answered`);
  if (code === 'NOT_FOUND') return new HttpError(404, `no pending request "${id}"`);
  if (code === 'REQUEST_CANCELLED') return new HttpError(410, `request ${id} was cancelled`);
  if (code === 'REQUEST_EXPIRED') return new HttpError(410, `request ${id} has expired`);
  return error;
}
