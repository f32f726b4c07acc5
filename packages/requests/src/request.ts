import {
  formatIssues,
  type RequestSchemas,
  type StandardJSONSchemaV1,
  type StandardSchemaV1,
} from '@fipc/core';
import { openDirectory } from './directory.js';
import { checkKinds } from './dispatch.js';
import { RequestError } from './errors.js';
import { emitQuietly } from './event-sink.js';
import { assertValidId, generateId } from './ids.js';
import type { AnswerOf, PayloadOf, TypedRequestOptions } from './kinds.js';
import { requestName } from './names.js';
import { publishText } from './outcome.js';
import { expiresAt, type RequestRecord, self, toJsonText } from './records.js';
import { readRequest } from './request-file.js';
import { type Answer, checkOptions, type RequestOptions } from './request-options.js';
import { scheduleSweep } from './sweep.js';
import { waitForOutcome } from './wait-outcome.js';

/**
 * Asks a question of kind `kind` through the directory and resolves with the answer, from any process. With a
 * contract's `requests` in the options, the payload and the answer are typed and validated by the kind's schemas
 * (the payload before anything is written: a mismatch rejects with `SCHEMA_MISMATCH`). The request file
 * `<dir>/input-requests/<id>.json` is written atomically (0600) in the original's format plus `kind`, `payload`,
 * `expires_at` and `requester`; the answer arrives as the file `<id>.response`, so it survives a restart of
 * either side. Calling again with the same `id`, kind and payload after a restart resumes the same request (an
 * answer written meanwhile is delivered at once); with another kind or payload it is `ID_IN_USE`. The returned
 * Promise carries the `id` (generated or given), to save for {@link awaitResponse}.
 *
 * Rejects with {@link RequestError}: `INVALID_ID` (nothing written), `INVALID_OPTIONS` (also for an empty kind,
 * or one the contract does not name), `ID_IN_USE`, `TIMEOUT`, `ABORTED`, `REQUEST_CANCELLED`, `SCHEMA_MISMATCH`,
 * `RESPONDER_ERROR`, `MALFORMED_RESPONSE`, `TOO_LARGE`, `NOT_A_FILE`, `NOT_FOUND`, `UNSAFE_DIRECTORY`,
 * `DISK_FULL`, `IO_ERROR`.
 *
 * @example
 * // contract.requests = { approve: { payload: z.object({ question: z.string() }), answer: z.object({ approved: z.boolean() }) } }
 * const answer = await request('runs/run-1', 'approve', { question: 'Deploy to production?' }, {
 *   requests: contract.requests,
 *   timeoutMs: 10 * 60_000,
 * });
 * if (answer.approved) deploy();
 */
export function request<R extends RequestSchemas, K extends keyof R & string>(
  dir: string,
  kind: K,
  payload: PayloadOf<R, K>,
  options: TypedRequestOptions<R>,
): PendingAnswer<AnswerOf<R, K>>;
export function request<S extends StandardSchemaV1 = StandardSchemaV1>(
  dir: string,
  kind: string,
  payload: unknown,
  options?: RequestOptions<S> & { requests?: never },
): PendingAnswer<Answer<S>>;
export function request(
  dir: string,
  kind: string,
  payload: unknown,
  options: RequestOptions & { requests?: RequestSchemas } = {},
): PendingAnswer<unknown> {
  const id = options.id ?? generateId();
  return Object.assign(ask(dir, kind, payload, id, options), { id });
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

async function ask(
  dir: string,
  kind: string,
  given: unknown,
  id: string,
  options: RequestOptions & { requests?: RequestSchemas },
): Promise<unknown> {
  assertValidId(id);
  const settings = checkOptions(options);
  const checked = checkKind(kind, given, id, options);
  const { schema, payload } = checked instanceof Promise ? await checked : checked;
  const { timeoutMs, maxBytes } = settings;
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
    schema: schema ? jsonSchemaOf(schema) : {},
    requested_at: new Date(now).toISOString(),
    response: null,
    kind,
    payload: (payload ?? null) as RequestRecord['payload'],
    expires_at: timeoutMs === undefined ? null : new Date(now + timeoutMs).toISOString(),
    requester: self(),
  };
  let existing: RequestRecord | undefined;
  if (!publishText(path, requestName(id), id, toJsonText(record, 2), settings, `request "${id}"`)) {
    existing = readRequest(path, id, maxBytes);
    if (existing.kind !== kind || toJsonText(existing.payload ?? null) !== toJsonText(record.payload)) {
      throw new RequestError('ID_IN_USE', `a different request with id "${id}" exists`, { requestId: id });
    }
  }
  scheduleSweep(path, settings.retentionMs);
  const eventsReady = existing
    ? Promise.resolve()
    : emitQuietly(options.events, 'input_requested', {
        request_id: id,
        kind,
        schema: record.schema,
        expires_at: record.expires_at,
      });
  const deadline = Math.min(
    existing ? expiresAt(existing) : Number.POSITIVE_INFINITY,
    timeoutMs === undefined ? Number.POSITIVE_INFINITY : now + timeoutMs,
  );
  return waitForOutcome({
    ...settings,
    dir: path,
    id,
    deadline,
    schema,
    signal: options.signal,
    events: options.events,
    eventsReady,
  });
}

/**
 * The kind's schemas applied: the payload to write (the schema's output) and the answer schema. Synchronous
 * unless the payload schema is asynchronous, so that the request file is written before `request` returns.
 */
function checkKind(
  kind: string,
  payload: unknown,
  id: string,
  { requests, schema }: RequestOptions & { requests?: RequestSchemas },
): Checked | Promise<Checked> {
  if (typeof kind !== 'string' || kind === '')
    throw new RequestError('INVALID_OPTIONS', 'kind must be a non-empty string', { requestId: id });
  if (!requests) return { schema, payload };
  checkKinds(requests);
  const schemas = Object.hasOwn(requests, kind) ? requests[kind] : undefined;
  if (!schemas)
    throw new RequestError('INVALID_OPTIONS', `the contract has no request kind "${kind}"`, {
      requestId: id,
    });
  const settle = (result: StandardSchemaV1.Result<unknown>): Checked => {
    if (!result.issues) return { schema: schemas.answer, payload: result.value };
    const detail = formatIssues(result.issues);
    throw new RequestError(
      'SCHEMA_MISMATCH',
      `the payload of "${kind}" does not match its schema: ${detail}`,
      {
        requestId: id,
        cause: result.issues,
      },
    );
  };
  const result = schemas.payload['~standard'].validate(payload);
  return result instanceof Promise ? result.then(settle) : settle(result);
}

interface Checked {
  schema: StandardSchemaV1 | undefined;
  payload: unknown;
}
/**
 * The JSON Schema (2020-12) of the answers the schema accepts (its input side: what a responder writes), or
 * `{}` (anything) when the schema has no `StandardJSONSchemaV1` side or cannot express itself in JSON Schema.
 */
function jsonSchemaOf(schema: StandardSchemaV1): Record<string, unknown> {
  const props: Partial<StandardJSONSchemaV1.Props> = schema['~standard'];
  try {
    return props.jsonSchema?.input({ target: 'draft-2020-12' }) ?? {};
  } catch {
    return {};
  }
}
