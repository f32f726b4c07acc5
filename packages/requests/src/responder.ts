import { type Durability, type OnSkip, responseErrorInfo } from '@fipc/core';
import { claimRequest } from './claim.js';
import { RequestError, requestError } from './errors.js';
import { HeldClaims } from './held-claims.js';
import type { Heartbeat } from './lease.js';
import { type OutcomeInput, readOutcome } from './outcome.js';
import type { RequestRecord } from './records.js';
import { closeRequest } from './respond.js';
import type { RequestHandler, ServeSummary } from './serve.js';

/** `serveRequests`' options, checked and with their defaults. */
export interface ServeSettings {
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  retentionMs: number;
  maxBytes: number;
  durability: Durability;
  onSkip: OnSkip | undefined;
  onError: (error: RequestError, requestId: string | undefined) => void;
}

interface Job {
  generation: number;
  controller: AbortController;
}

/** One `serveRequests` loop's state: its running handlers and how they end. */
export class Responder {
  readonly running = new Map<string, Job>();
  /** Requests other live responders hold: not looked at again before their leases may expire. */
  readonly held = new HeldClaims();
  readonly summary: ServeSummary = { answered: 0, failed: 0 };
  stopping = false;
  #drained: () => void = () => {};

  constructor(
    readonly path: string,
    readonly heartbeat: Heartbeat,
    readonly handler: RequestHandler<never>,
    readonly settings: ServeSettings,
    readonly onIdle: () => void,
  ) {}

  /** Claims request `id` and runs its handler, unless it is not to be handled (see `claimRequest`). */
  start(id: string, takeOver: boolean): void {
    const claim = claimRequest(this, id, takeOver);
    if (!claim) return;
    const { generation, request } = claim;
    const controller = new AbortController();
    this.running.set(id, { generation, controller });
    Promise.resolve()
      .then(() =>
        this.handler(request.payload as never, {
          id,
          kind: typeof request.kind === 'string' ? request.kind : undefined,
          request,
          signal: controller.signal,
        }),
      )
      .then(
        (value) => ({ status: 'answered' as const, payload: value ?? null }),
        (error: unknown) => ({ status: 'answered' as const, error: responseErrorInfo(error) }),
      )
      .then((outcome) => {
        // A handler that gave up because we are stopping leaves the request to another responder.
        const givenUp = 'error' in outcome && this.stopping && controller.signal.aborted;
        if (!givenUp && this.publish(id, outcome, request)) {
          if ('error' in outcome) this.summary.failed++;
          else this.summary.answered++;
        } else this.heartbeat.unclaim(id, generation); // pending again: another responder, or a rescan, retries
      })
      .finally(() => {
        this.running.delete(id);
        if (this.stopping && this.running.size === 0) this.#drained();
        this.onIdle();
      });
  }

  /** Publishes an outcome; a request closed meanwhile is not an error. Returns whether ours landed. */
  publish(id: string, outcome: OutcomeInput, request: RequestRecord | undefined): boolean {
    const known = request ?? { request_id: id, schema: {}, requested_at: '' };
    try {
      closeRequest(this.path, id, known, outcome, this.settings);
      return true;
    } catch (error) {
      const { code } = error as RequestError;
      if (code === 'ALREADY_ANSWERED' || code === 'REQUEST_CANCELLED' || code === 'REQUEST_EXPIRED')
        return false;
      if ((code === 'SCHEMA_MISMATCH' || code === 'TOO_LARGE') && 'payload' in outcome) {
        return this.publish(id, { status: 'answered', error: responseErrorInfo(error) }, request);
      }
      this.settings.onError(requestError(error, undefined, id), id);
      return false;
    }
  }

  /** Aborts a running handler whose request got an outcome from elsewhere (cancelled, expired, answered). */
  checkRunning(id: string): void {
    const job = this.running.get(id);
    if (!job || job.controller.signal.aborted) return;
    try {
      const outcome = readOutcome(this.path, id, this.settings.maxBytes);
      if (outcome) {
        const message = `request "${id}" is ${outcome.status}`;
        job.controller.abort(new RequestError(closedCode(outcome.status), message, { requestId: id }));
      }
    } catch (error) {
      const message = `request "${id}" has a response`;
      job.controller.abort(new RequestError('ALREADY_ANSWERED', message, { requestId: id, cause: error }));
    }
  }

  /** Aborts the running handlers with `reason` and resolves once they all settled. */
  stop(reason: unknown): Promise<void> {
    this.stopping = true;
    for (const { controller } of this.running.values()) controller.abort(reason);
    return new Promise((resolve) => {
      this.#drained = resolve;
      if (this.running.size === 0) resolve();
    });
  }
}

function closedCode(status: string): 'REQUEST_CANCELLED' | 'REQUEST_EXPIRED' | 'ALREADY_ANSWERED' {
  return status === 'cancelled'
    ? 'REQUEST_CANCELLED'
    : status === 'expired'
      ? 'REQUEST_EXPIRED'
      : 'ALREADY_ANSWERED';
}
