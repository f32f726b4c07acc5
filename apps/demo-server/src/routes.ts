import type { IncomingMessage, ServerResponse } from 'node:http';
import { contract, runPaths, TERMINAL_EVENTS } from '@fipc/demo-worker';
import { listRequests, respond } from '@fipc/requests';
import { sseHandler } from '@fipc/sse';
import { z } from 'zod';
import { HttpError, readJson, sendJson, validate } from './http.js';
import { RunId } from './run-order.js';
import { FINAL } from './run-view.js';
import type { RunStore } from './runs.js';
import { streamRuns } from './runs-stream.js';

/** How many runs a page holds unless `?limit=` says otherwise, and at most. */
export const PAGE_LIMIT = 50;
const MAX_PAGE_LIMIT = 500;
/** A page of runs: `?limit=` (1 to 500, default 50) runs older than `?before=<run id>`, newest first. */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(PAGE_LIMIT),
  before: RunId.optional(),
});

/** The query parameters of `url`, validated by `schema` (400 naming each wrong one). */
export function queryOf<S extends z.ZodType>(schema: S, url: URL): z.output<S> {
  return validate(schema, Object.fromEntries(url.searchParams), 'query');
}

const RequestId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'not a request id');
const NewRun = z.strictObject({ title: z.string().trim().min(1).max(80).optional() });
const { payload: Question, answer: Approval } = contract.requests.approval;
const Answer = Approval.strict();

/** One route's handler: the request, the response and the path's captured parameters. */
export type Handler = (req: IncomingMessage, res: ServerResponse, ...params: string[]) => Promise<void>;
export type Route = [method: string, path: RegExp, handler: Handler];

/** The JSON API and the event streams over the runs. */
export function apiRoutes(runs: RunStore): Route[] {
  const logPaths = new WeakMap<IncomingMessage, string>();
  // Typed by the contract: a record it refuses is never sent (the page validates it again, with the same one).
  const events = sseHandler((req) => logPaths.get(req), {
    events: contract.events,
    terminal: [...TERMINAL_EVENTS],
    retryMs: 1_000,
  });

  /** The run named in the path: 400 for a malformed id, 404 for an unknown one. */
  function findRun(rawId: string) {
    const id = validate(RunId, rawId, 'run id');
    const run = runs.get(id);
    if (!run) throw new HttpError(404, `no run "${id}"`);
    return run;
  }

  return [
    [
      'GET',
      /^\/api\/runs$/,
      async (req, res) => {
        const { limit, before } = queryOf(PageQuery, urlOf(req));
        sendJson(res, 200, runs.page(limit, before));
      },
    ],
    [
      'GET',
      /^\/api\/runs\/live$/,
      async (req, res) => streamRuns(runs, res, queryOf(PageQuery.omit({ before: true }), urlOf(req)).limit),
    ],
    [
      'POST',
      /^\/api\/runs$/,
      async (req, res) => {
        const { title = 'Release 1.4.0' } = validate(NewRun, await readJson(req), 'body');
        const run = runs.create(title);
        sendJson(res, 201, run, { location: `/api/runs/${run.id}` });
      },
    ],
    ['GET', /^\/api\/runs\/([^/]+)$/, async (_req, res, id) => sendJson(res, 200, findRun(id!))],
    [
      'DELETE',
      /^\/api\/runs\/([^/]+)$/,
      async (_req, res, id) => {
        await runs.delete(findRun(id!).id);
        res.writeHead(204).end();
      },
    ],
    [
      'GET',
      /^\/api\/runs\/([^/]+)\/events$/,
      async (req, res, id) => {
        logPaths.set(req, runPaths(runs.path(findRun(id!).id)).events);
        await events(req, res);
      },
    ],
    [
      'GET',
      /^\/api\/runs\/([^/]+)\/requests$/,
      async (_req, res, id) => {
        const run = findRun(id!);
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
        const run = findRun(id!);
        const rid = validate(RequestId, requestId, 'request id');
        const answer = validate(Answer, await readJson(req), 'body');
        // A dead worker's question is still pending on disk, but nobody will ever read the answer.
        // (A finished worker cancelled or answered its question: @fipc/requests says which.)
        if (!run.live && !FINAL.has(run.status)) {
          const worker = run.pid === undefined ? 'its worker' : `its worker (pid ${run.pid})`;
          throw new HttpError(
            409,
            `run ${run.id} is ${run.status}: ${worker} is gone, nobody would read the answer`,
          );
        }
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
        const run = findRun(id!);
        if (!['starting', 'running', 'waiting'].includes(run.status) || !runs.cancel(run.id)) {
          throw new HttpError(409, `run ${run.id} is ${run.status}: there is no worker to cancel`);
        }
        sendJson(res, 202, { id: run.id, status: 'cancelling' });
      },
    ],
  ];
}

const urlOf = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://host');

/** Maps @fipc/requests errors to the HTTP status a client can act on. */
function answerRefused(error: unknown, id: string): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'ALREADY_ANSWERED') return new HttpError(409, `request ${id} is already answered`);
  if (code === 'NOT_FOUND') return new HttpError(404, `no pending request "${id}"`);
  if (code === 'REQUEST_CANCELLED') return new HttpError(410, `request ${id} was cancelled`);
  if (code === 'REQUEST_EXPIRED') return new HttpError(410, `request ${id} has expired`);
  return error;
}
