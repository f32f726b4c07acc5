import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { type Durability, formatIssues, onAbort, type StandardSchemaV1, validate } from '@fipc/core';
import { RequestError } from './errors.js';
import { type EventSink, emitQuietly } from './event-sink.js';
import { entryExists } from './files.js';
import { requestName, responseName } from './names.js';
import { publishOutcome, readOutcome } from './outcome.js';
import type { ResponseRecord } from './records.js';
import { type Check, register } from './waiters.js';

// A response that does not parse yet may still be being written by a hand-made, non-atomic writer
// (`echo ... > id.response` creates the file empty first): it is only malformed once it is this old.
const PARTIAL_GRACE_MS = 500;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface WaitSpec {
  dir: string;
  id: string;
  /** Ms since the epoch at which the request expires; `Infinity` for never. */
  deadline: number;
  schema: StandardSchemaV1 | undefined;
  signal: AbortSignal | undefined;
  events: EventSink | undefined;
  /** Settles before any lifecycle event after it is emitted (keeps `input_requested` first). */
  eventsReady: Promise<void>;
  pollMs: number;
  maxBytes: number;
  durability: Durability;
}

/**
 * Waits for the outcome of a request already on disk and turns it into a value or a typed rejection. The
 * deadline and the signal write the outcome themselves (expired, cancelled), so requester and responders
 * always agree on how a request ended: whoever publishes the response file first decides.
 */
export function waitForOutcome(spec: WaitSpec): Promise<unknown> {
  const { dir, id, signal } = spec;
  const responsePath = join(dir, responseName(id));
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let offAbort = () => {};
    const cleanup = () => {
      settled = true;
      clearTimeout(timer);
      offAbort();
      unregister();
    };
    const fail = (error: unknown) => {
      if (settled) return;
      cleanup();
      reject(error);
    };
    const deliver = (outcome: ResponseRecord, ours: boolean) => {
      if (settled) return;
      cleanup();
      interpret(spec, outcome, ours).then(resolve, reject);
    };

    const check: Check = (poll) => {
      if (settled) return;
      // Most polls find nothing: an lstat spares the cost of a thrown ENOENT.
      if (poll && !entryExists(responsePath)) {
        if (!entryExists(join(dir, requestName(id)))) {
          fail(
            new RequestError('NOT_FOUND', `request "${id}" was removed before it had an outcome`, {
              requestId: id,
              path: join(dir, requestName(id)),
            }),
          );
        }
        return;
      }
      let outcome: ResponseRecord | undefined;
      try {
        outcome = readOutcome(dir, id, spec.maxBytes);
      } catch (error) {
        if ((error as RequestError).code === 'MALFORMED_RESPONSE' && beingWritten(responsePath)) return;
        return fail(error);
      }
      if (outcome) deliver(outcome, false);
    };

    // Publishes our own ending (expiry or cancel); if another outcome won the race, that one is delivered.
    const end = (outcome: { status: 'expired' } | { status: 'cancelled'; reason: string }) => {
      if (settled) return;
      try {
        if (publishOutcome(dir, id, outcome, spec)) deliver({ request_id: id, ...outcome }, true);
        else check(false);
      } catch (error) {
        fail(error);
      }
    };
    const arm = () => {
      if (spec.deadline === Number.POSITIVE_INFINITY) return;
      const delay = spec.deadline - Date.now();
      if (delay <= 0) return end({ status: 'expired' });
      timer = setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
    };

    const unregister = register(dir, id, spec.pollMs, check);
    if (entryExists(responsePath)) check(false);
    if (settled) return;
    offAbort = onAbort(signal, () => end({ status: 'cancelled', reason: describeReason(signal?.reason) }));
    arm();
  });
}

/** Whether a response that does not parse was modified so recently that its writer may still be at work. */
function beingWritten(path: string): boolean {
  const mtimeMs = lstatSync(path, { throwIfNoEntry: false })?.mtimeMs;
  return mtimeMs !== undefined && Math.abs(Date.now() - mtimeMs) < PARTIAL_GRACE_MS;
}

async function interpret(spec: WaitSpec, outcome: ResponseRecord, ours: boolean): Promise<unknown> {
  const { id, events } = spec;
  const requestId = id;
  await spec.eventsReady;
  if (outcome.status === 'cancelled') {
    await emitQuietly(events, 'input_cancelled', { request_id: id, reason: outcome.reason ?? null });
    throw ours
      ? new RequestError('ABORTED', `request "${id}" was aborted`, { requestId, cause: spec.signal?.reason })
      : new RequestError(
          'REQUEST_CANCELLED',
          `request "${id}" was cancelled: ${outcome.reason ?? 'no reason given'}`,
          { requestId },
        );
  }
  if (outcome.status === 'expired') {
    await emitQuietly(events, 'input_expired', { request_id: id });
    throw new RequestError('TIMEOUT', `request "${id}" expired without an answer`, { requestId });
  }
  if ('error' in outcome) {
    await emitQuietly(events, 'input_answered', { request_id: id, error: outcome.error.message });
    throw new RequestError('RESPONDER_ERROR', `the responder failed on "${id}": ${outcome.error.message}`, {
      requestId,
      responseError: outcome.error,
    });
  }
  await emitQuietly(events, 'input_answered', { request_id: id });
  if (!spec.schema) return outcome.payload;
  const result = await validate(spec.schema, outcome.payload);
  if (!result.issues) return result.value;
  const detail = formatIssues(result.issues);
  throw new RequestError('SCHEMA_MISMATCH', `the answer to "${id}" does not match the schema: ${detail}`, {
    requestId,
    cause: result.issues,
  });
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message || reason.name;
  return reason === undefined ? 'aborted' : String(reason);
}
