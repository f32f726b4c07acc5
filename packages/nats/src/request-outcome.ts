import { formatIssues, type StandardSchemaV1, validate } from '@fipc/core';
import { NatsBridgeError } from './errors.js';
import type { BridgeOptions } from './options.js';
import { decodeRequest, type NatsRequestRecord, type NatsResponseRecord } from './request-records.js';
import { type RequestsHandles, type RequestsTarget, requestsHandles } from './requests-stream.js';

/**
 * The answer's type: the schema's output, else unknown.
 *
 * @example
 * const answer: Answer<typeof schema> = await request(payload, { nc, instanceId, schema });
 */
export type Answer<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : unknown;

/** What a requester gets for an outcome: the answer (validated by `schema`), or the outcome's error. */
export async function settle<S extends StandardSchemaV1 | undefined>(
  outcome: NatsResponseRecord,
  id: string,
  schema: S | undefined,
): Promise<Answer<S>> {
  const requestId = id;
  if (outcome.status === 'cancelled')
    throw new NatsBridgeError(
      'REQUEST_CANCELLED',
      `request ${id} was cancelled${outcome.reason ? `: ${outcome.reason}` : ''}`,
      { requestId },
    );
  if (outcome.status === 'expired')
    throw new NatsBridgeError('TIMEOUT', `request ${id} expired`, { requestId });
  if (outcome.error) {
    throw new NatsBridgeError('RESPONDER_ERROR', `the responder failed: ${outcome.error.message}`, {
      requestId,
      responseError: outcome.error,
    });
  }
  if (!schema) return outcome.payload as Answer<S>;
  const result = await validate(schema, outcome.payload);
  if (result.issues) {
    throw new NatsBridgeError(
      'SCHEMA_MISMATCH',
      `the answer to ${id} does not match the schema: ${formatIssues(result.issues)}`,
      {
        requestId,
      },
    );
  }
  return result.value as Answer<S>;
}

export async function handlesOf(options: BridgeOptions, target: RequestsTarget): Promise<RequestsHandles> {
  try {
    return await requestsHandles(options.nc, target);
  } catch (error) {
    throw natsFailure(error);
  }
}

/** The request `id` as the stream holds it, if it does. */
export async function storedRequest(
  { jsm }: RequestsHandles,
  target: RequestsTarget,
  id: string,
): Promise<NatsRequestRecord | undefined> {
  const message = await jsm.streams.getMessage(target.stream, { last_by_subj: target.subject(id) });
  return message ? decodeRequest(message.data) : undefined;
}

export const natsFailure = (error: unknown, requestId?: string) =>
  error instanceof NatsBridgeError
    ? error
    : new NatsBridgeError('NATS_ERROR', `request failed: ${(error as Error)?.message ?? error}`, {
        cause: error,
        requestId,
      });
