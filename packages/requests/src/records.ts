import { hostname } from 'node:os';
import { isJsonObject, type JsonObject, parseJsonBytes, toJson } from '@fipc/core';
import { RequestError, type ResponseErrorInfo } from './errors.js';

/**
 * Any JSON value.
 *
 * @example
 * const payload: JsonValue = { question: 'Deploy?', choices: ['yes', 'no'] };
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Who wrote a file: a process on a host.
 *
 * @example
 * const who: ProcessInfo | undefined = (await listRequests('runs/run-1'))[0]?.request.requester;
 */
export interface ProcessInfo {
  /** Process id. */
  pid: number;
  /** `os.hostname()` of the machine (or container) it ran on. */
  host: string;
}

/**
 * A request file, `input-requests/<request_id>.json`, as written (pretty-printed, indent 2). The first four
 * fields are the original's; the rest are additive and absent from requests the original wrote.
 *
 * @example
 * const record: RequestRecord = JSON.parse(readFileSync('runs/run-1/input-requests/deploy.json', 'utf8'));
 * console.log(record.request_id, record.payload, record.schema);
 */
export interface RequestRecord {
  /** The request id, also the file's name. */
  request_id: string;
  /** JSON Schema (2020-12) of the expected answer; `{}` accepts anything. */
  schema: Record<string, unknown> | boolean;
  /** ISO 8601, UTC. */
  requested_at: string;
  /** Always `null`: the answer lives in the response file (the original's template writes this field). */
  response?: null;
  /** What is asked: picks the responder's handler and the schemas of the payload and answer. */
  kind?: string;
  /** The question itself. */
  payload?: JsonValue;
  /** ISO 8601, UTC; after it the request is expired. `null`: never. */
  expires_at?: string | null;
  /** The process that asked. */
  requester?: ProcessInfo;
}

/**
 * The one outcome of a request, `input-requests/<request_id>.response`.
 *
 * @example
 * const outcome: ResponseRecord = JSON.parse(readFileSync('runs/run-1/input-requests/deploy.response', 'utf8'));
 * if (outcome.status === 'answered' && 'payload' in outcome) console.log(outcome.payload);
 */
export type ResponseRecord = {
  /** The request this outcome closes. */
  request_id?: string;
  /** ISO 8601, UTC. */
  finished_at?: string;
  /** The process that wrote the outcome. */
  responder?: ProcessInfo;
} & (
  | {
      /** Answered. */
      status: 'answered';
      /** The answer. */
      payload: JsonValue;
    }
  | {
      /** Answered with an error: the handler threw. */
      status: 'answered';
      /** What the handler threw. */
      error: ResponseErrorInfo;
    }
  | {
      /** Cancelled by the requester or an operator. */
      status: 'cancelled';
      /** Why, for people. */
      reason?: string;
    }
  | {
      /** Expired unanswered. */
      status: 'expired';
    }
);

// Asked on first use, not at import: Deno grants `os.hostname()` only with --allow-sys=hostname, and a
// program that imports this package without writing a record must not need it.
let host: string | undefined;
export const self = (): ProcessInfo => {
  host ??= hostname();
  return { pid: process.pid, host };
};

/** Serialises a value as JSON (core's strict `toJson`), or `undefined` if JSON cannot carry it. */
export function toJsonText(value: unknown, indent?: number): string | undefined {
  try {
    return toJson(value, indent);
  } catch {
    return undefined;
  }
}

type Malformed = (why: string, cause?: unknown) => RequestError;

/** A file's bytes as a JSON object (strict UTF-8), or the `malformed` error saying why not. */
function parseObject(bytes: Uint8Array, malformed: Malformed): JsonObject {
  let value: unknown;
  try {
    value = parseJsonBytes(bytes);
  } catch (error) {
    throw malformed(`is ${(error as Error).message}`, error);
  }
  if (!isJsonObject(value)) throw malformed('is not a JSON object');
  return value;
}

function malformedFile(kind: 'request' | 'response', id: string, path: string | undefined): Malformed {
  const code = kind === 'request' ? 'MALFORMED_REQUEST' : 'MALFORMED_RESPONSE';
  return (why, cause) =>
    new RequestError(code, `${kind} file of "${id}" ${why}`, { requestId: id, path, cause });
}

/** Parses a request file's bytes. Throws `MALFORMED_REQUEST`. */
export function parseRequest(bytes: Uint8Array, id: string, path?: string): RequestRecord {
  const malformed = malformedFile('request', id, path);
  const value = parseObject(bytes, malformed);
  if (value.request_id !== id) throw malformed('has a request_id that is not its file name');
  if (typeof value.requested_at !== 'string') throw malformed('has no requested_at string');
  const expires = value.expires_at;
  if (expires !== undefined && expires !== null && Number.isNaN(Date.parse(String(expires)))) {
    throw malformed('has an invalid expires_at');
  }
  return value as unknown as RequestRecord;
}

/** When the request expires, in ms since the epoch, or `Infinity`. */
export function expiresAt(request: RequestRecord): number {
  return typeof request.expires_at === 'string' ? Date.parse(request.expires_at) : Number.POSITIVE_INFINITY;
}

/** Parses a response file's bytes. Throws `MALFORMED_RESPONSE`. */
export function parseResponse(bytes: Uint8Array, id: string, path?: string): ResponseRecord {
  const malformed = malformedFile('response', id, path);
  const value = parseObject(bytes, malformed);
  if (value.request_id !== undefined && value.request_id !== id) throw malformed('answers another request');
  switch (value.status) {
    case 'answered': {
      const hasPayload = 'payload' in value;
      const error = value.error;
      if (hasPayload === (error !== undefined)) throw malformed('must have exactly one of payload and error');
      if (!hasPayload && !(isJsonObject(error) && typeof error.message === 'string')) {
        throw malformed('has an error without a message');
      }
      break;
    }
    case 'cancelled':
    case 'expired':
      break;
    default:
      throw malformed(`has status ${JSON.stringify(value.status)}, not answered, cancelled or expired`);
  }
  return value as unknown as ResponseRecord;
}

/** The text of a response file we write. */
export function responseText(
  id: string,
  outcome:
    | { status: 'answered'; payload: unknown }
    | { status: 'answered'; error: ResponseErrorInfo }
    | { status: 'cancelled'; reason: string }
    | { status: 'expired' },
): string | undefined {
  return toJsonText(
    { request_id: id, ...outcome, finished_at: new Date().toISOString(), responder: self() },
    2,
  );
}
