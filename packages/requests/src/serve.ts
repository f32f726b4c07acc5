import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDirectory } from './directory.js';
import { subscribeHints } from './directory-hints.js';
import { RequestError, type ResponseErrorInfo } from './errors.js';
import { entryExists, removeQuietly } from './files.js';
import { Heartbeat } from './lease.js';
import { leaseName, parseName, requestName, responseName } from './names.js';
import { DEFAULT_MAX_BYTES, type OutcomeInput, readOutcome } from './outcome.js';
import { expiresAt, type RequestRecord } from './records.js';
import { readExisting } from './request.js';
import { closeRequest } from './respond.js';
import { DEFAULT_RETENTION_MS, scheduleSweep } from './sweep.js';

/**
 * What a handler gets besides the payload.
 *
 * @example
 * const handler = async (payload: unknown, { id, request, signal }: RequestContext) => {
 *   console.log(`answering ${id} asked by ${request.requester?.pid}`);
 *   return { approved: !signal.aborted };
 * };
 */
export interface RequestContext {
  /** The request id. */
  id: string;
  /** The whole request file (schema, requested_at, expires_at, requester, ...). */
  request: RequestRecord;
  /**
   * Aborts when the request is cancelled or expires, when another responder took the request over (our lease
   * was lost), or when `serveRequests` stops.
   */
  signal: AbortSignal;
}

/**
 * Answers one request: its return value (JSON) is the answer; a throw becomes an error response.
 *
 * @example
 * const handler: RequestHandler<{ question: string }> = async ({ question }) => ({ approved: question.length < 100 });
 */
export type RequestHandler<P = unknown> = (payload: P, context: RequestContext) => unknown;

/**
 * Options of {@link serveRequests}.
 *
 * @example
 * const options: ServeOptions = { signal: stop.signal, concurrency: 4, leaseMs: 30_000 };
 */
export interface ServeOptions {
  /** Stops the loop: running handlers are aborted and awaited, unfinished claims released at once. */
  signal?: AbortSignal;
  /**
   * Most handlers running at once in this responder; it claims no more requests than it can run.
   * @default 8
   */
  concurrency?: number;
  /**
   * A claim not renewed for this long (the responder died or hung) may be taken over by another responder.
   * Renewed every `leaseMs / 3` while the handler runs.
   * @default 30_000
   */
  leaseMs?: number;
  /**
   * Safety rescan period (new requests normally arrive through `fs.watch`); also bounds how late an expired
   * lease is noticed.
   * @default 1000
   */
  pollMs?: number;
  /**
   * Finished pairs older than this are removed (swept at most once a minute).
   * @default 3_600_000 (1 hour)
   */
  retentionMs?: number;
  /** @default 1 MiB */
  maxBytes?: number;
  /** @default false */
  durable?: boolean;
  /**
   * Problems that do not stop the loop (an unreadable request, a failed write).
   * @default process.emitWarning
   */
  onError?: (error: unknown, requestId: string | undefined) => void;
}

/**
 * What a stopped {@link serveRequests} did.
 *
 * @example
 * const { answered, failed }: ServeSummary = await serveRequests('runs/run-1', handler, { signal: stop.signal });
 */
export interface ServeSummary {
  /** Requests whose handler returned and whose answer was published. */
  answered: number;
  /** Requests whose handler threw, answered with an error response. */
  failed: number;
}

/**
 * Serves the requests of a directory until `signal` aborts. Any number of responders, in any processes, may
 * serve one directory: each request is claimed exclusively (a lease file linked atomically) and handled by
 * one of them; a responder that dies loses its claims after `leaseMs` and another takes them over. A handler
 * that throws produces an error response: the requester rejects with `RESPONDER_ERROR`.
 *
 * Resolves with a summary once stopped and drained. Rejects at once with `UNSAFE_DIRECTORY` or `IO_ERROR`.
 *
 * @example
 * const stop = new AbortController();
 * const served = serveRequests('runs/run-1', async (payload, { signal }) => {
 *   return { approved: await askSomeone(payload, signal) };
 * }, { signal: stop.signal, concurrency: 4 });
 * // later
 * stop.abort();
 * console.log(await served); // { answered: 12, failed: 0 }
 */
export async function serveRequests<P = unknown>(
  dir: string,
  handler: RequestHandler<P>,
  options: ServeOptions = {},
): Promise<ServeSummary> {
  const { signal, concurrency = 8, leaseMs = 30_000, pollMs = 1000 } = options;
  const { maxBytes = DEFAULT_MAX_BYTES, durable = false, retentionMs = DEFAULT_RETENTION_MS } = options;
  for (const [name, value] of Object.entries({ concurrency, leaseMs, pollMs, maxBytes })) {
    if (!(value > 0)) throw new RequestError('INVALID_OPTIONS', `${name} must be a positive number`);
  }
  const onError =
    options.onError ??
    ((error: unknown, id?: string) =>
      process.emitWarning(
        `@fipc/requests responder${id ? ` (${id})` : ''}: ${(error as Error)?.message ?? error}`,
      ));
  const path = openDirectory(dir, true);
  const summary: ServeSummary = { answered: 0, failed: 0 };
  if (signal?.aborted) return summary;

  let heartbeat: Heartbeat;
  try {
    heartbeat = new Heartbeat(path, leaseMs);
  } catch (error) {
    throw new RequestError('IO_ERROR', `cannot create a heartbeat file in ${path}`, { cause: error });
  }
  const writeOptions = { maxBytes, durable };
  // Ids to try, with whether an existing claim should be checked for expiry (rescans) or skipped (hints).
  const queue = new Map<string, boolean>();
  const running = new Map<string, { generation: number; controller: AbortController }>();
  let stopping = false;
  let drained: () => void = () => {};

  const enqueue = (id: string, takeOver: boolean) => {
    if (running.has(id)) return;
    queue.set(id, takeOver || (queue.get(id) ?? false));
  };

  const rescan = () => {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch (error) {
      return onError(new RequestError('IO_ERROR', `cannot list ${path}`, { cause: error }), undefined);
    }
    const requests: string[] = [];
    const answered = new Set<string>();
    for (const name of names) {
      const parsed = parseName(name);
      if (parsed?.kind === 'request') requests.push(parsed.id);
      else if (parsed?.kind === 'response') answered.add(parsed.id);
    }
    for (const id of requests) if (!answered.has(id)) enqueue(id, true);
    pump();
  };

  // Aborts a running handler whose request got an outcome from elsewhere (cancelled, expired, answered).
  const checkRunning = (id: string) => {
    const job = running.get(id);
    if (!job || job.controller.signal.aborted) return;
    try {
      const outcome = readOutcome(path, id, maxBytes);
      if (outcome)
        job.controller.abort(
          new RequestError(closedCode(outcome.status), `request "${id}" is ${outcome.status}`),
        );
    } catch {
      job.controller.abort(new RequestError('ALREADY_ANSWERED', `request "${id}" has a response`));
    }
  };

  const pump = () => {
    while (!stopping && running.size < concurrency && queue.size > 0) {
      const [id, takeOver] = queue.entries().next().value as [string, boolean];
      queue.delete(id);
      try {
        start(id, takeOver);
      } catch (error) {
        onError(error, id);
      }
    }
  };

  const start = (id: string, takeOver: boolean) => {
    // A hint may be the request's removal; a request found by a rescan may have been answered since.
    if (takeOver ? entryExists(join(path, responseName(id))) : !entryExists(join(path, requestName(id))))
      return;
    const generation = heartbeat.claim(id, takeOver);
    if (generation === undefined) return;
    if (entryExists(join(path, responseName(id)))) return; // answered between the check and the claim
    let request: RequestRecord;
    try {
      request = readExisting(path, id, maxBytes);
    } catch (error) {
      if ((error as RequestError).code === 'MALFORMED_REQUEST') {
        publish(id, { status: 'answered', error: errorInfo(error) }, undefined);
      } else if ((error as RequestError).code === 'REQUEST_NOT_FOUND') {
        // The hint was the request's removal: drop the lease we just made rather than leave an orphan.
        removeQuietly(join(path, leaseName(id, generation)));
      } else throw error;
      return;
    }
    if (Date.now() >= expiresAt(request)) return publish(id, { status: 'expired' }, request);
    const controller = new AbortController();
    running.set(id, { generation, controller });
    Promise.resolve()
      .then(() => handler(request.payload as P, { id, request, signal: controller.signal }))
      .then(
        (value) => ({ status: 'answered' as const, payload: value ?? null }),
        (error: unknown) => ({ status: 'answered' as const, error: errorInfo(error) }),
      )
      .then((outcome) => {
        // A handler that gave up because we are stopping leaves the request to another responder.
        if ('error' in outcome && stopping && controller.signal.aborted) return;
        if (publish(id, outcome, request)) {
          if ('error' in outcome) summary.failed++;
          else summary.answered++;
        }
      })
      .finally(() => {
        running.delete(id);
        if (stopping && running.size === 0) drained();
        pump();
      });
  };

  /** Publishes an outcome; a request closed meanwhile is not an error. Returns whether ours landed. */
  const publish = (id: string, outcome: OutcomeInput, request: RequestRecord | undefined): boolean => {
    try {
      closeRequest(
        path,
        id,
        request ?? { request_id: id, schema: {}, requested_at: '' },
        outcome,
        writeOptions,
      );
      return true;
    } catch (error) {
      const code = (error as RequestError).code;
      if (code === 'ALREADY_ANSWERED' || code === 'REQUEST_CANCELLED' || code === 'REQUEST_EXPIRED')
        return false;
      if (code === 'INVALID_PAYLOAD' && outcome.status === 'answered' && 'payload' in outcome) {
        return publish(id, { status: 'answered', error: errorInfo(error) }, request);
      }
      onError(error, id);
      return false;
    }
  };

  const unsubscribe = subscribeHints(path, pollMs, (name) => {
    if (stopping) return;
    if (name === null) return rescan();
    const parsed = parseName(name);
    if (parsed?.kind === 'request') {
      enqueue(parsed.id, false);
      pump();
    } else if (parsed?.kind === 'response') checkRunning(parsed.id);
  });

  const renewal = setInterval(
    () => {
      try {
        heartbeat.renew();
      } catch (error) {
        onError(error, undefined);
      }
      for (const [id, { generation, controller }] of running) {
        if (heartbeat.lost(id, generation)) {
          controller.abort(
            new RequestError('ALREADY_ANSWERED', `request "${id}" was taken over by another responder`),
          );
        } else checkRunning(id);
      }
      scheduleSweep(path, retentionMs);
    },
    Math.max(1, Math.floor(leaseMs / 3)),
  );

  scheduleSweep(path, retentionMs);
  rescan();
  await new Promise<void>((resolve) => {
    const stop = () => {
      stopping = true;
      queue.clear();
      for (const { controller } of running.values()) controller.abort(signal?.reason);
      drained = resolve;
      if (running.size === 0) resolve();
    };
    if (signal) signal.addEventListener('abort', stop, { once: true });
  });
  clearInterval(renewal);
  unsubscribe();
  heartbeat.release();
  return summary;
}

function closedCode(status: string): 'REQUEST_CANCELLED' | 'REQUEST_EXPIRED' | 'ALREADY_ANSWERED' {
  return status === 'cancelled'
    ? 'REQUEST_CANCELLED'
    : status === 'expired'
      ? 'REQUEST_EXPIRED'
      : 'ALREADY_ANSWERED';
}

function errorInfo(error: unknown): ResponseErrorInfo {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      message: error.message || error.name,
      name: error.name,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { message: String(error) };
}
