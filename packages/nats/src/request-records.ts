import { hostname } from 'node:os';
import {
  isJsonObject,
  parseJsonBytes,
  type StandardJSONSchemaV1,
  type StandardSchemaV1,
  toJson,
} from '@fipc/core';
import { NatsBridgeError, type ResponseErrorInfo } from './errors.js';

/**
 * A request as it travels: the fields of the request file of PROTOCOL.md 4.3.
 *
 * @example
 * const record: NatsRequestRecord = { request_id: 'q1', schema: {}, requested_at: new Date().toISOString(), response: null };
 */
export interface NatsRequestRecord {
  /** The request id. */
  request_id: string;
  /** JSON Schema (2020-12) of the expected answer; `{}` accepts anything. */
  schema: Record<string, unknown> | boolean;
  /** ISO 8601, when it was asked. */
  requested_at: string;
  /** Always `null` (the original's template has it). */
  response: null;
  /** What is asked (PROTOCOL.md 4.3): picks the responder's handler. Absent when the requester named none. */
  kind?: string;
  /** The question. */
  payload?: unknown;
  /** ISO 8601; from this instant on the request is expired. `null` or absent: never. */
  expires_at?: string | null;
  /** The process that asked. */
  requester?: ProcessInfo;
}

/**
 * A process on a host, as requests and outcomes name their writers.
 *
 * @example
 * const who: ProcessInfo = { pid: 4242, host: 'worker-1' };
 */
export interface ProcessInfo {
  /** Process id. */
  pid: number;
  /** `os.hostname()`. */
  host: string;
}

/**
 * A request's one outcome: the fields of the response file of PROTOCOL.md 4.4.
 *
 * @example
 * const outcome: NatsResponseRecord = { status: 'answered', payload: { approved: true } };
 */
export interface NatsResponseRecord {
  /** How the request ended. */
  status: 'answered' | 'cancelled' | 'expired';
  /** `answered`: the answer (exactly one of `payload` and `error`). */
  payload?: unknown;
  /** `answered`: the handler failed. */
  error?: ResponseErrorInfo;
  /** `cancelled`: why. */
  reason?: string;
  /** The request this outcome ends. */
  request_id?: string;
  /** ISO 8601, when the outcome was written. */
  finished_at?: string;
  /** Who wrote it. */
  responder?: ProcessInfo;
}

export const processInfo = () => ({ pid: process.pid, host: hostname() });

/** The JSON Schema of the answer, from the schema's `StandardJSONSchemaV1` side when it has one. */
export function jsonSchemaOf(schema: StandardSchemaV1 | undefined): Record<string, unknown> {
  const props: Partial<StandardJSONSchemaV1.Props> | undefined = schema?.['~standard'];
  try {
    return props?.jsonSchema?.input({ target: 'draft-2020-12' }) ?? {};
  } catch {
    return {};
  }
}

/** Serialises a record (pretty-printed, as the files are), refusing one over `maxBytes` with `TOO_LARGE`. */
export function encodeRecord(record: object, maxBytes: number, requestId: string): Uint8Array {
  let text: string;
  try {
    text = `${toJson(record, 2)}\n`;
  } catch (error) {
    throw NatsBridgeError.from(error);
  }
  const bytes = Buffer.from(text);
  if (bytes.length > maxBytes)
    throw new NatsBridgeError('TOO_LARGE', `${bytes.length} bytes, over maxBytes (${maxBytes})`, {
      requestId,
    });
  return bytes;
}

/** A stored request, or `undefined` when the bytes are not one. */
export function decodeRequest(bytes: Uint8Array): NatsRequestRecord | undefined {
  try {
    const value = parseJsonBytes(bytes);
    if (
      !isJsonObject(value) ||
      typeof value.request_id !== 'string' ||
      typeof value.requested_at !== 'string'
    )
      return undefined;
    if (value.expires_at != null && Number.isNaN(Date.parse(value.expires_at as string))) return undefined;
    return value as unknown as NatsRequestRecord;
  } catch {
    return undefined;
  }
}

/** A stored outcome; `MALFORMED_RESPONSE` when it is not one. */
export function decodeOutcome(bytes: Uint8Array, requestId: string): NatsResponseRecord {
  let value: unknown;
  try {
    value = parseJsonBytes(bytes);
  } catch (error) {
    throw new NatsBridgeError('MALFORMED_RESPONSE', 'the outcome is not UTF-8 JSON', {
      cause: error,
      requestId,
    });
  }
  const ok =
    isJsonObject(value) &&
    (value.status === 'cancelled' ||
      value.status === 'expired' ||
      (value.status === 'answered' && 'payload' in value !== 'error' in value)) &&
    (value.request_id === undefined || value.request_id === requestId);
  if (!ok) throw new NatsBridgeError('MALFORMED_RESPONSE', 'the outcome is not a response', { requestId });
  return value as unknown as NatsResponseRecord;
}

export const isExpired = (record: NatsRequestRecord, now = Date.now()) =>
  record.expires_at != null && Date.parse(record.expires_at) <= now;

/** The error a final outcome other than an answer means, for `respond`. */
export function refusal(outcome: NatsResponseRecord, requestId: string): NatsBridgeError {
  const [code, what] =
    outcome.status === 'cancelled'
      ? (['REQUEST_CANCELLED', 'cancelled'] as const)
      : outcome.status === 'expired'
        ? (['REQUEST_EXPIRED', 'expired'] as const)
        : (['ALREADY_ANSWERED', 'already answered'] as const);
  return new NatsBridgeError(code, `request ${requestId} is ${what}`, { requestId });
}
