import { DEFAULT_POLL_MS, positiveMs, type StandardSchemaV1 } from '@fipc/core';
import { NatsBridgeError } from './errors.js';
import { isWrongLastSequence } from './nats-errors.js';
import { type BridgeOptions, byteCount, checkBridgeOptions } from './options.js';
import { publishOutcome, type WaitEnd, waitOutcome } from './outcomes.js';
import { requestId } from './request-ids.js';
import { type Answer, handlesOf, natsFailure, settle, storedRequest } from './request-outcome.js';
import {
  encodeRecord,
  jsonSchemaOf,
  type NatsRequestRecord,
  type NatsResponseRecord,
  processInfo,
} from './request-records.js';
import { type RequestsHandles, type RequestsStreamOptions, requestsTarget } from './requests-stream.js';

/**
 * Options of {@link request} and {@link awaitResponse}.
 *
 * @example
 * const options: RequestOptions<typeof schema> = { nc, instanceId: 'run-1', schema, timeoutMs: 60_000 };
 */
export interface RequestOptions<S extends StandardSchemaV1 | undefined = undefined>
  extends BridgeOptions,
    RequestsStreamOptions {
  /** The request id (PROTOCOL.md 4.2); an existing id with the same payload resumes it. @default a random UUID */
  id?: string;
  /** What is asked (PROTOCOL.md 4.3), written as the record's `kind`: a bridge's local request file keeps it. */
  kind?: string;
  /** Validates the answer (`SCHEMA_MISMATCH`); its JSON Schema, when it has one, travels with the request. */
  schema?: S;
  /** Written as `expires_at`; at the deadline the request is expired for everyone: `TIMEOUT`. @default none */
  timeoutMs?: number;
  /** The safety poll of the outcome, in ms (the watch of the outcomes bucket is only a hint). @default 500 */
  pollMs?: number;
  /** Largest request and outcome. @default 1 MiB */
  maxBytes?: number;
}

/**
 * What {@link request} returns: the answer's Promise, carrying the request's id.
 *
 * @example
 * const pending: PendingAnswer<unknown> = request({ question: 'Deploy?' }, { nc, instanceId: 'run-1' });
 * console.log(pending.id);
 */
export type PendingAnswer<T> = Promise<T> & {
  /** The request's id, given or generated: what `awaitResponse` takes after a restart. */
  id: string;
};

const MAX_BYTES = 1024 * 1024;

/**
 * Asks a question that a responder on any host answers ({@link serveRequests}, {@link respond}), with the
 * outcomes of `@fipc/requests` on one machine: the request is one message of the requests stream (a second
 * request with the same id is refused by the stream; with the same payload it resumes), its one outcome is
 * created first-wins in the outcomes bucket, and this resolves with the answer validated by `schema`. At
 * `timeoutMs` the request expires for everyone (`TIMEOUT`); `signal` cancels it for everyone (`ABORTED`).
 * Rejects with a {@link NatsBridgeError}: `TIMEOUT`, `ABORTED`, `REQUEST_CANCELLED`, `RESPONDER_ERROR`,
 * `SCHEMA_MISMATCH`, `ID_IN_USE`, `INVALID_ID`, `TOO_LARGE`, `MALFORMED_RESPONSE`, `NATS_ERROR`, `INVALID_OPTIONS`.
 *
 * @example
 * const answer = await request({ question: 'Deploy build 42?' }, { nc, instanceId: 'run-1', timeoutMs: 60_000 });
 */
export function request<S extends StandardSchemaV1 | undefined = undefined>(
  payload: unknown,
  options: RequestOptions<S>,
): PendingAnswer<Answer<S>> {
  let id: string;
  try {
    checkBridgeOptions(options);
    id = requestId(options.id);
  } catch (error) {
    return Object.assign(Promise.reject(NatsBridgeError.from(error)), { id: options?.id ?? '' });
  }
  return Object.assign(ask(id, payload, options), { id });
}

/**
 * Waits for the outcome of a request made earlier (by this process before a restart, or by another one):
 * an answer given meanwhile is delivered at once. `NOT_FOUND` when the stream holds no such request.
 *
 * @example
 * const answer = await awaitResponse('approve-42', { nc, instanceId: 'run-1', schema });
 */
export async function awaitResponse<S extends StandardSchemaV1 | undefined = undefined>(
  id: string,
  options: Omit<RequestOptions<S>, 'id'>,
): Promise<Answer<S>> {
  let settings: ReturnType<typeof settingsOf>;
  try {
    checkBridgeOptions(options);
    settings = settingsOf(requestId(id), options);
  } catch (error) {
    throw NatsBridgeError.from(error);
  }
  const handles = await handlesOf(options, settings.target);
  const existing = await storedRequest(handles, settings.target, id).catch((error) => {
    throw natsFailure(error, id);
  });
  if (!existing) throw new NatsBridgeError('NOT_FOUND', `no request ${id}`, { requestId: id });
  return wait(id, existing, handles, settings, options);
}

function settingsOf(id: string, options: RequestOptions<StandardSchemaV1 | undefined>) {
  return {
    target: requestsTarget(options.instanceId, options),
    pollMs: positiveMs('pollMs', options.pollMs, DEFAULT_POLL_MS),
    maxBytes: byteCount('maxBytes', options.maxBytes, MAX_BYTES, 1, 64 * 1024 * 1024),
    timeoutMs: options.timeoutMs === undefined ? undefined : positiveMs('timeoutMs', options.timeoutMs, 0),
    id,
  };
}

async function ask<S extends StandardSchemaV1 | undefined>(
  id: string,
  payload: unknown,
  options: RequestOptions<S>,
): Promise<Answer<S>> {
  let settings: ReturnType<typeof settingsOf>;
  let bytes: Uint8Array;
  let record: NatsRequestRecord;
  try {
    settings = settingsOf(id, options);
    const now = Date.now();
    record = {
      request_id: id,
      schema: jsonSchemaOf(options.schema),
      requested_at: new Date(now).toISOString(),
      response: null,
      ...(options.kind === undefined ? {} : { kind: options.kind }),
      payload,
      expires_at: settings.timeoutMs === undefined ? null : new Date(now + settings.timeoutMs).toISOString(),
      requester: processInfo(),
    };
    bytes = encodeRecord(record, settings.maxBytes, id);
  } catch (error) {
    throw NatsBridgeError.from(error);
  }
  const handles = await handlesOf(options, settings.target);
  const subject = settings.target.subject(id);
  try {
    await handles.js.publish(subject, bytes, { expect: { lastSubjectSequence: 0 } });
  } catch (error) {
    if (!isWrongLastSequence(error)) throw natsFailure(error, id);
    // The id is taken: the same question resumes, another one is refused.
    const existing = await storedRequest(handles, settings.target, id).catch((e) => {
      throw natsFailure(e, id);
    });
    if (!existing || JSON.stringify(existing.payload) !== JSON.stringify(record.payload ?? null))
      throw new NatsBridgeError('ID_IN_USE', `request ${id} exists with another payload`, { requestId: id });
    record = existing;
  }
  return wait(id, record, handles, settings, options);
}

async function wait<S extends StandardSchemaV1 | undefined>(
  id: string,
  record: NatsRequestRecord,
  { kv }: RequestsHandles,
  settings: ReturnType<typeof settingsOf>,
  options: RequestOptions<S>,
): Promise<Answer<S>> {
  const { target, pollMs, timeoutMs } = settings;
  const key = target.key(id);
  const deadlines = [
    record.expires_at ? Date.parse(record.expires_at) : undefined,
    timeoutMs === undefined ? undefined : Date.now() + timeoutMs,
  ].filter((d): d is number => d !== undefined);
  const deadline = deadlines.length ? Math.min(...deadlines) : undefined;
  let end: WaitEnd;
  try {
    end = await waitOutcome(kv, target.instance, key, id, { pollMs, deadline, signal: options.signal });
    if (end === 'deadline' || end === 'aborted') {
      const mine: NatsResponseRecord =
        end === 'deadline'
          ? {
              status: 'expired',
              request_id: id,
              finished_at: new Date().toISOString(),
              responder: processInfo(),
            }
          : {
              status: 'cancelled',
              reason: 'aborted by the requester',
              request_id: id,
              finished_at: new Date().toISOString(),
              responder: processInfo(),
            };
      const winner = await publishOutcome(kv, key, mine, id);
      if (!winner) {
        throw end === 'deadline'
          ? new NatsBridgeError('TIMEOUT', `request ${id} expired without an answer`, { requestId: id })
          : new NatsBridgeError('ABORTED', `request ${id} was cancelled by its requester`, { requestId: id });
      }
      end = winner;
    }
  } catch (error) {
    throw natsFailure(error, id);
  }
  return settle(end, id, options.schema);
}
