import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { subscribeHints } from './directory-hints.js';
import { RequestError } from './errors.js';
import { type EventSink, emitQuietly } from './event-sink.js';
import { entryExists, readSmallFile } from './files.js';
import { parseName, requestName, responseName } from './names.js';
import { publishOutcome } from './outcome.js';
import { parseResponse, type ResponseRecord } from './records.js';

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
  durable: boolean;
}

type Check = (poll: boolean) => void;
const registries = new Map<string, { waiters: Map<string, Set<Check>>; unsubscribe: () => void }>();

/** Whether this process is waiting for the outcome of `id` (retention must not remove it under us). */
export function isAwaited(dir: string, id: string): boolean {
  return registries.get(dir)?.waiters.has(id) ?? false;
}

// Past this many waiters a safety poll lists the directory once instead of looking up each waiter's files.
const LIST_FROM = 16;

function pollAll(dir: string, waiters: Map<string, Set<Check>>): void {
  let names: Set<string> | undefined;
  if (waiters.size > LIST_FROM) {
    try {
      names = new Set(readdirSync(dir));
    } catch {
      // the directory is gone: each waiter finds out for itself
    }
  }
  for (const [id, set] of [...waiters]) {
    // Only what the listing shows as answered or removed needs a closer look.
    if (names?.has(requestName(id)) && !names.has(responseName(id))) continue;
    for (const each of [...set]) each(!names?.has(responseName(id)));
  }
}

function register(dir: string, id: string, pollMs: number, check: Check): () => void {
  let registry = registries.get(dir);
  if (!registry) {
    const waiters = new Map<string, Set<Check>>();
    const unsubscribe = subscribeHints(dir, pollMs, (name) => {
      if (name === null) return pollAll(dir, waiters);
      const parsed = parseName(name);
      if (parsed?.kind !== 'response') return;
      for (const each of [...(waiters.get(parsed.id) ?? [])]) each(false);
    });
    registry = { waiters, unsubscribe };
    registries.set(dir, registry);
  }
  const { waiters } = registry;
  const set = waiters.get(id) ?? new Set();
  waiters.set(id, set.add(check));
  return () => {
    set.delete(check);
    if (set.size === 0) waiters.delete(id);
    if (waiters.size === 0 && registries.get(dir) === registry) {
      registries.delete(dir);
      registry.unsubscribe();
    }
  };
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
    const cleanup = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
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
      // Most checks outside hints find nothing: existsSync spares the cost of a thrown ENOENT.
      if (poll && !entryExists(responsePath)) {
        if (!entryExists(join(dir, requestName(id)))) {
          fail(
            new RequestError('REQUEST_NOT_FOUND', `request "${id}" was removed before it had an outcome`, {
              requestId: id,
            }),
          );
        }
        return;
      }
      try {
        const result = readSmallFile(responsePath, spec.maxBytes);
        if (!result.ok) {
          if (result.reason !== 'missing') {
            const code = result.reason === 'too-large' ? 'RESPONSE_TOO_LARGE' : 'UNSAFE_FILE';
            return fail(new RequestError(code, result.detail, { requestId: id }));
          }
          return;
        }
        let outcome: ResponseRecord;
        try {
          outcome = parseResponse(result.text, id);
        } catch (error) {
          if (Math.abs(Date.now() - result.mtimeMs) < PARTIAL_GRACE_MS) return; // maybe still being written
          return fail(error);
        }
        deliver(outcome, false);
      } catch (error) {
        fail(error);
      }
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
    const onAbort = () => end({ status: 'cancelled', reason: describeReason(signal?.reason) });
    const arm = () => {
      if (spec.deadline === Number.POSITIVE_INFINITY) return;
      const delay = spec.deadline - Date.now();
      if (delay <= 0) return end({ status: 'expired' });
      timer = setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
    };

    const unregister = register(dir, id, spec.pollMs, check);
    if (entryExists(responsePath)) check(false);
    if (settled) return;
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}

async function interpret(spec: WaitSpec, outcome: ResponseRecord, ours: boolean): Promise<unknown> {
  const { id, events } = spec;
  await spec.eventsReady;
  const requestId = id;
  if (outcome.status === 'cancelled') {
    await emitQuietly(events, 'input_cancelled', { request_id: id, reason: outcome.reason ?? null });
    throw ours
      ? new RequestError('ABORTED', `request "${id}" was aborted`, { requestId, cause: spec.signal?.reason })
      : new RequestError(
          'REQUEST_CANCELLED',
          `request "${id}" was cancelled: ${outcome.reason ?? 'no reason given'}`,
          {
            requestId,
          },
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
  const result = await spec.schema['~standard'].validate(outcome.payload);
  if (!result.issues) return result.value;
  const detail = result.issues
    .map(({ message, path }) => {
      const at = path?.map((part) => String(typeof part === 'object' ? part.key : part)).join('.');
      return at ? `${at}: ${message}` : message;
    })
    .join('; ');
  throw new RequestError('SCHEMA_MISMATCH', `the answer to "${id}" does not match the schema: ${detail}`, {
    requestId,
    cause: result.issues,
  });
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message || reason.name;
  return reason === undefined ? 'aborted' : String(reason);
}
