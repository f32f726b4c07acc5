import { type OnSkip, onAbort, positiveMs, responseErrorInfo } from '@fipc/core';
import type { JsMsg } from '@nats-io/jetstream';
import { claimsConsumer } from './claims.js';
import { NatsBridgeError } from './errors.js';
import { bridgeError, isPermanent } from './nats-errors.js';
import { type BridgeOptions, byteCount, checkBridgeOptions } from './options.js';
import { onOutcome, publishOutcome, readOutcome } from './outcomes.js';
import {
  decodeRequest,
  encodeRecord,
  isExpired,
  type NatsRequestRecord,
  type NatsResponseRecord,
  processInfo,
} from './request-records.js';
import {
  type RequestsHandles,
  type RequestsStreamOptions,
  type RequestsTarget,
  requestsHandles,
  requestsTarget,
} from './requests-stream.js';
import { Backoff } from './retry.js';
import { idOfToken } from './subjects.js';

/**
 * Options of {@link serveRequests}.
 *
 * @example
 * const options: ServeOptions = { nc, instanceId: 'run-1', signal, concurrency: 4, leaseMs: 10_000 };
 */
export interface ServeOptions extends BridgeOptions, RequestsStreamOptions {
  /** Handlers running at once; no more requests are claimed than can run. @default 8 */
  concurrency?: number;
  /**
   * The lease: a claim not renewed for this long is delivered to another responder. It is the `ack_wait` of
   * the instance's durable consumer, set by the responder that creates it; the others use that consumer's.
   * Renewed every third of it while the handler runs. @default 30_000
   */
  leaseMs?: number;
  /** Largest answer. @default 1 MiB */
  maxBytes?: number;
  /** Told about a message of the requests stream that is not a request (it is dropped for good). */
  onSkip?: OnSkip;
  /** Problems that do not stop the loop (an outcome that could not be published: the request is retried). */
  onError?: (error: NatsBridgeError) => void;
}

/**
 * What a handler gets besides the payload.
 *
 * @example
 * const handler: RequestHandler = async (payload, { id, signal }) => fetchAnswer(id, payload, { signal });
 */
export interface RequestContext {
  /** The request id. */
  id: string;
  /** The whole request, as PROTOCOL.md 4.3 describes it. */
  request: NatsRequestRecord;
  /** Aborts when the request is cancelled or expires, when the loop stops, or when another outcome won. */
  signal: AbortSignal;
}

/**
 * Answers one request: returns the answer (any JSON, sync or async); a throw becomes an error response.
 *
 * @example
 * const handler: RequestHandler = (payload: { question: string }) => ({ approved: payload.question.length < 40 });
 */
// biome-ignore lint/suspicious/noExplicitAny: a handler may type its payload as it expects it.
export type RequestHandler = (payload: any, context: RequestContext) => unknown;

/**
 * What {@link serveRequests} did, once its handlers settled.
 *
 * @example
 * const { answered, failed }: ServeSummary = await serveRequests(handler, { nc, instanceId, signal });
 */
export interface ServeSummary {
  /** Requests this responder answered (its outcome won). */
  answered: number;
  /** Requests whose handler threw (answered with an error). */
  failed: number;
}

/**
 * Serves an instance's requests from any number of hosts until `signal` aborts, with the guarantees of
 * `@fipc/requests` on one machine. The instance's requests are one durable pull consumer: a delivery is a
 * claim, its `ack_wait` the lease, `working()` the heartbeat (every third of the lease while the handler
 * runs), a redelivery the takeover of a responder that died. The handler's answer is created first-wins as
 * the request's outcome, then the delivery is acknowledged; a request that already has an outcome, or has
 * expired, is concluded without running the handler. On stop, running handlers are aborted and awaited and
 * their claims released at once (`nak`). Resolves with `{ answered, failed }`; rejects with a
 * {@link NatsBridgeError} (`NATS_ERROR`, `INVALID_OPTIONS`) when it cannot go on.
 *
 * @example
 * const controller = new AbortController();
 * const served = serveRequests((payload: { question: string }) => ({ approved: true }), {
 *   nc, instanceId: 'run-1', signal: controller.signal,
 * });
 */
export async function serveRequests(handler: RequestHandler, options: ServeOptions): Promise<ServeSummary> {
  let responder: Responder;
  try {
    checkBridgeOptions(options);
    responder = new Responder(handler, options);
  } catch (error) {
    throw NatsBridgeError.from(error);
  }
  return responder.run();
}

class Responder {
  readonly #handler: RequestHandler;
  readonly #options: ServeOptions;
  readonly #target: RequestsTarget;
  readonly #concurrency: number;
  readonly #maxBytes: number;
  #leaseMs: number;
  readonly #running = new Set<Promise<void>>();
  readonly #summary: ServeSummary = { answered: 0, failed: 0 };

  constructor(handler: RequestHandler, options: ServeOptions) {
    this.#handler = handler;
    this.#options = options;
    this.#target = requestsTarget(options.instanceId, options);
    this.#concurrency = byteCount('concurrency', options.concurrency, 8, 1, 10_000);
    this.#leaseMs = positiveMs('leaseMs', options.leaseMs, 30_000, 100);
    this.#maxBytes = byteCount('maxBytes', options.maxBytes, 1024 * 1024, 1, 64 * 1024 * 1024);
  }

  async run(): Promise<ServeSummary> {
    const { signal, nc } = this.#options;
    const backoff = new Backoff();
    let stopFetch: (() => void) | undefined;
    const offAbort = onAbort(signal, () => stopFetch?.());
    try {
      while (!signal?.aborted) {
        try {
          const handles = await requestsHandles(nc, this.#target);
          const claims = await claimsConsumer(handles, this.#target, this.#leaseMs);
          const consumer = claims.consumer;
          this.#leaseMs = claims.leaseMs;
          while (!signal?.aborted) {
            if (this.#running.size >= this.#concurrency) {
              await Promise.race(this.#running);
              continue;
            }
            const batch = await consumer.fetch({
              max_messages: this.#concurrency - this.#running.size,
              expires: 2000,
            });
            stopFetch = () => batch.stop();
            for await (const message of batch) this.#start(message, handles);
            stopFetch = undefined;
            backoff.reset();
          }
        } catch (error) {
          if (signal?.aborted) break;
          if (isPermanent(error, nc)) throw bridgeError(error, 'serving requests failed');
          await backoff.wait(signal);
        }
      }
    } finally {
      offAbort();
      await Promise.allSettled(this.#running);
    }
    return this.#summary;
  }

  #start(message: JsMsg, handles: RequestsHandles): void {
    const task = this.#handle(message, handles).catch((error) => {
      message.nak();
      this.#options.onError?.(bridgeError(error, 'a request could not be concluded'));
    });
    this.#running.add(task);
    void task.finally(() => this.#running.delete(task));
  }

  async #handle(message: JsMsg, { kv }: RequestsHandles): Promise<void> {
    const { signal } = this.#options;
    const id = idOfToken(message.subject.slice(message.subject.lastIndexOf('.') + 1));
    const request = decodeRequest(message.data);
    if (id === undefined || request === undefined || request.request_id !== id) {
      this.#options.onSkip?.({ reason: `message ${message.seq} of ${message.subject} is not a request` });
      message.term();
      return;
    }
    const key = this.#target.key(id);
    const conclude = (outcome: NatsResponseRecord) =>
      publishOutcome(
        kv,
        key,
        { ...outcome, request_id: id, finished_at: new Date().toISOString(), responder: processInfo() },
        id,
      );
    if (await readOutcome(kv, key, id)) return void message.ack();
    if (isExpired(request)) {
      await conclude({ status: 'expired' });
      return void message.ack();
    }
    if (signal?.aborted) return void message.nak();
    const controller = new AbortController();
    const offStop = onAbort(signal, () => controller.abort());
    const offOutcome = onOutcome(kv, this.#target.instance, key, () => controller.abort());
    const heartbeat = setInterval(() => {
      message.working();
      readOutcome(kv, key, id).then(
        (outcome) => outcome && controller.abort(),
        () => {},
      );
    }, this.#leaseMs / 3);
    let outcome: NatsResponseRecord;
    try {
      const answer = await this.#handler(request.payload, { id, request, signal: controller.signal });
      outcome = { status: 'answered', payload: answer ?? null };
      encodeRecord(outcome, this.#maxBytes, id);
    } catch (error) {
      if (signal?.aborted && controller.signal.aborted) return void message.nak(); // stopping: release the claim
      outcome = { status: 'answered', error: responseErrorInfo(error) };
    } finally {
      clearInterval(heartbeat);
      offOutcome();
      offStop();
    }
    const winner = await conclude(outcome);
    if (!winner) this.#summary[outcome.error ? 'failed' : 'answered']++;
    message.ack();
  }
}
