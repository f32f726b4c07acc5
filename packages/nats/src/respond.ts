import { NatsBridgeError } from './errors.js';
import { type BridgeOptions, byteCount, checkBridgeOptions } from './options.js';
import { publishOutcome } from './outcomes.js';
import { requestId } from './request-ids.js';
import { handlesOf, natsFailure, storedRequest } from './request-outcome.js';
import { encodeRecord, isExpired, type NatsResponseRecord, processInfo, refusal } from './request-records.js';
import { type RequestsStreamOptions, requestsTarget } from './requests-stream.js';

/**
 * Options of {@link respond} and {@link cancelRequest}.
 *
 * @example
 * const options: RespondOptions = { nc, instanceId: 'run-1' };
 */
export interface RespondOptions extends BridgeOptions, RequestsStreamOptions {
  /** Largest answer. @default 1 MiB */
  maxBytes?: number;
}

/**
 * Answers request `id` from any host, first answer wins: `ALREADY_ANSWERED`, `REQUEST_CANCELLED` or
 * `REQUEST_EXPIRED` when the request already has its outcome (an expired one gets it now), `NOT_FOUND` when the
 * stream holds no such request.
 *
 * @example
 * await respond('approve-42', { approved: true }, { nc, instanceId: 'run-1' });
 */
export async function respond(id: string, payload: unknown, options: RespondOptions): Promise<void> {
  await conclude(id, options, { status: 'answered', payload });
}

/**
 * Cancels request `id` from any host (a UI's "dismiss"): its requester rejects with `REQUEST_CANCELLED`, a
 * handler working on it sees its signal abort. Errors as {@link respond}.
 *
 * @example
 * await cancelRequest('approve-42', { nc, instanceId: 'run-1', reason: 'superseded' });
 */
export async function cancelRequest(
  id: string,
  options: RespondOptions & { reason?: string },
): Promise<void> {
  await conclude(id, options, { status: 'cancelled', ...(options.reason ? { reason: options.reason } : {}) });
}

async function conclude(id: string, options: RespondOptions, outcome: NatsResponseRecord): Promise<void> {
  let record: NatsResponseRecord;
  let target: ReturnType<typeof requestsTarget>;
  try {
    checkBridgeOptions(options);
    requestId(id);
    target = requestsTarget(options.instanceId, options);
    record = { ...outcome, request_id: id, finished_at: new Date().toISOString(), responder: processInfo() };
    encodeRecord(record, byteCount('maxBytes', options.maxBytes, 1024 * 1024, 1, 64 * 1024 * 1024), id);
  } catch (error) {
    throw NatsBridgeError.from(error);
  }
  const handles = await handlesOf(options, target);
  try {
    const request = await storedRequest(handles, target, id);
    if (!request) throw new NatsBridgeError('NOT_FOUND', `no request ${id}`, { requestId: id });
    const key = target.key(id);
    if (isExpired(request)) {
      const expired = { status: 'expired' as const, request_id: id, finished_at: new Date().toISOString() };
      throw refusal((await publishOutcome(handles.kv, key, expired, id)) ?? expired, id);
    }
    const winner = await publishOutcome(handles.kv, key, record, id);
    if (winner) throw refusal(winner, id);
  } catch (error) {
    throw natsFailure(error, id);
  }
}
