import { join } from 'node:path';
import { toJSONSchema, type z } from 'zod';
import { openDirectory } from './directory.js';
import { RequestError } from './errors.js';
import { type EventSink, emitQuietly } from './event-sink.js';
import { publishExclusive, readSmallFile } from './files.js';
import { assertValidId, generateId } from './ids.js';
import { requestName } from './names.js';
import { DEFAULT_MAX_BYTES } from './outcome.js';
import { expiresAt, parseRequest, type RequestRecord, self, toJsonText } from './records.js';
import { scheduleSweep } from './sweep.js';
import { waitForOutcome } from './wait-outcome.js';

/**
 * Options shared by {@link request} and {@link awaitResponse}.
 *
 * @example
 * const options: WaitOptions<typeof Approval> = { schema: Approval, signal: AbortSignal.timeout(60_000), durable: true };
 */
export interface WaitOptions<S extends z.ZodType = z.ZodType> {
  /** Validates the answer; a mismatch rejects with `SCHEMA_MISMATCH`. `request` also writes it as JSON Schema. */
  schema?: S;
  /**
   * Give up after this many ms: the request is marked expired on disk (responders see it) and the Promise
   * rejects with `TIMEOUT`. `request` writes it as `expires_at`.
   * @default no timeout
   */
  timeoutMs?: number;
  /** Aborting cancels the request on disk (responders see it) and rejects with `ABORTED`. */
  signal?: AbortSignal;
  /** An event log (such as `@fipc/events`' `EventLog`) that receives the lifecycle events. */
  events?: EventSink;
  /**
   * Safety poll period; the answer normally arrives through `fs.watch` within a millisecond.
   * @default 1000
   */
  pollMs?: number;
  /**
   * Largest request and response file, in bytes.
   * @default 1 MiB
   */
  maxBytes?: number;
  /**
   * fsync the request file (and the expiry or cancel we write) and the directory before going on.
   * @default false
   */
  durable?: boolean;
  /**
   * Finished pairs older than this are removed from the directory (at most one sweep a minute per process).
   * @default 3_600_000 (1 hour)
   */
  retentionMs?: number;
}

/**
 * Options of {@link request}.
 *
 * @example
 * const options: RequestOptions<typeof Approval> = { id: 'deploy-42', schema: Approval, timeoutMs: 10 * 60_000 };
 */
export interface RequestOptions<S extends z.ZodType = z.ZodType> extends WaitOptions<S> {
  /**
   * The request id; a valid id that exists already (same payload) resumes waiting for that request.
   * @default a random UUID
   */
  id?: string;
}

/**
 * The answer type a schema gives: its output, or `unknown` without a schema.
 *
 * @example
 * const Approval = z.object({ approved: z.boolean() });
 * type Approved = Answer<typeof Approval>; // { approved: boolean }
 */
export type Answer<S extends z.ZodType> = z.output<S>;

/**
 * Asks a question through the directory and resolves with the answer, from any process. The request file
 * `<dir>/input-requests/<id>.json` is written atomically (0600) in the original's format plus `payload`,
 * `expires_at` and `requester`; the answer arrives as the file `<id>.response`, so it survives a restart of
 * either side. Calling again with the same `id` and payload after a restart resumes the same request (an
 * answer written meanwhile is delivered at once); with another payload it is `ID_IN_USE`. The returned Promise
 * carries the `id` (generated or given), to save for {@link awaitResponse}.
 *
 * Rejects with {@link RequestError}: `INVALID_ID` (nothing written), `ID_IN_USE`, `TIMEOUT`, `ABORTED`,
 * `REQUEST_CANCELLED`, `SCHEMA_MISMATCH`, `RESPONDER_ERROR`, `MALFORMED_RESPONSE`, `RESPONSE_TOO_LARGE`,
 * `UNSAFE_FILE`, `UNSAFE_DIRECTORY`, `INVALID_PAYLOAD`, `IO_ERROR`.
 *
 * @example
 * import { z } from 'zod';
 * const answer = await request(
 *   'runs/run-1',
 *   { question: 'Deploy to production?' },
 *   { schema: z.object({ approved: z.boolean() }), timeoutMs: 10 * 60_000 },
 * );
 * if (answer.approved) deploy();
 */
export function request<S extends z.ZodType = z.ZodUnknown>(
  dir: string,
  payload: unknown,
  options: RequestOptions<S> = {},
): PendingAnswer<Answer<S>> {
  const id = options.id ?? generateId();
  return Object.assign(ask(dir, payload, id, options), { id });
}

/**
 * The Promise `request` returns, with the request's id (to save, and resume with after a restart).
 *
 * @example
 * const pending: PendingAnswer<unknown> = request('runs/run-1', { question: 'Deploy?' });
 * saveForRestart(pending.id);
 * const answer = await pending;
 */
export type PendingAnswer<T> = Promise<T> & {
  /** The request id. */
  readonly id: string;
};

async function ask<S extends z.ZodType>(
  dir: string,
  payload: unknown,
  id: string,
  options: RequestOptions<S>,
): Promise<Answer<S>> {
  assertValidId(id);
  const { maxBytes, pollMs, timeoutMs } = checkOptions(options);
  const path = openDirectory(dir, true);
  if (options.signal?.aborted) {
    throw new RequestError('ABORTED', `request "${id}" was aborted before it was written`, {
      requestId: id,
      cause: options.signal.reason,
    });
  }
  const now = Date.now();
  const record: RequestRecord = {
    request_id: id,
    schema: options.schema ? jsonSchemaOf(options.schema) : {},
    requested_at: new Date(now).toISOString(),
    response: null,
    payload: (payload ?? null) as RequestRecord['payload'],
    expires_at: timeoutMs === undefined ? null : new Date(now + timeoutMs).toISOString(),
    requester: self(),
  };
  const text = toJsonText(record, 2);
  if (text === undefined) {
    throw new RequestError('INVALID_PAYLOAD', `the payload of "${id}" is not serialisable as JSON`, {
      requestId: id,
    });
  }
  if (Buffer.byteLength(text) + 1 > maxBytes) {
    throw new RequestError('INVALID_PAYLOAD', `request "${id}" is over maxBytes ${maxBytes}`, {
      requestId: id,
    });
  }
  let existing: RequestRecord | undefined;
  if (!publishExclusive(path, requestName(id), `${text}\n`, options.durable)) {
    existing = readExisting(path, id, maxBytes);
    if (toJsonText(existing.payload ?? null) !== toJsonText(record.payload)) {
      throw new RequestError('ID_IN_USE', `a different request with id "${id}" exists`, { requestId: id });
    }
  }
  scheduleSweep(path, options.retentionMs);
  const eventsReady = existing
    ? Promise.resolve()
    : emitQuietly(options.events, 'input_requested', {
        request_id: id,
        schema: record.schema,
        expires_at: record.expires_at,
      });
  const deadline = Math.min(
    existing ? expiresAt(existing) : Number.POSITIVE_INFINITY,
    timeoutMs === undefined ? Number.POSITIVE_INFINITY : now + timeoutMs,
  );
  return (await waitForOutcome({
    dir: path,
    id,
    deadline,
    schema: options.schema,
    signal: options.signal,
    events: options.events,
    eventsReady,
    pollMs,
    maxBytes,
    durable: options.durable ?? false,
  })) as Answer<S>;
}

export function checkOptions(options: WaitOptions) {
  const { timeoutMs, pollMs = 1000, maxBytes = DEFAULT_MAX_BYTES, retentionMs } = options;
  const invalid = (what: string) => new RequestError('INVALID_OPTIONS', `${what} must be a positive number`);
  if (timeoutMs !== undefined && !(timeoutMs > 0 && timeoutMs < Number.POSITIVE_INFINITY))
    throw invalid('timeoutMs');
  if (!(pollMs > 0)) throw invalid('pollMs');
  if (!(maxBytes > 0)) throw invalid('maxBytes');
  if (retentionMs !== undefined && !(retentionMs >= 0)) throw invalid('retentionMs');
  return { timeoutMs, pollMs, maxBytes };
}

export function readExisting(path: string, id: string, maxBytes: number): RequestRecord {
  const result = readSmallFile(join(path, requestName(id)), maxBytes);
  if (result.ok) return parseRequest(result.text, id);
  const code =
    result.reason === 'missing'
      ? 'REQUEST_NOT_FOUND'
      : result.reason === 'unsafe'
        ? 'UNSAFE_FILE'
        : 'MALFORMED_REQUEST';
  throw new RequestError(code, result.detail, { requestId: id });
}

/** The answer schema as JSON Schema (the original's `schema` field); what JSON Schema cannot say is left open. */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  try {
    return toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return {};
  }
}
