import type { RequestSchemas, StandardSchemaV1 } from '@fipc/core';
import type { RequestOptions } from './request-options.js';
import type { RequestContext, ServeOptions } from './serve.js';

/**
 * What `request` takes as the payload of `kind`: its payload schema's input.
 *
 * @example
 * type Asked = PayloadOf<typeof contract.requests, 'approve'>; // { question: string }
 */
export type PayloadOf<R extends RequestSchemas, K extends keyof R> = StandardSchemaV1.InferInput<
  R[K]['payload']
>;

/**
 * What `request` resolves with for `kind`: its answer schema's output.
 *
 * @example
 * type Approved = AnswerOf<typeof contract.requests, 'approve'>; // { approved: boolean }
 */
export type AnswerOf<R extends RequestSchemas, K extends keyof R> = StandardSchemaV1.InferOutput<
  R[K]['answer']
>;

/**
 * One handler per kind of the contract: it gets the payload schema's output (validated) and returns the answer
 * schema's input (validated before it is written).
 *
 * @example
 * const handlers: RequestHandlers<typeof contract.requests> = {
 *   approve: async ({ question }) => ({ approved: question.length < 100 }),
 * };
 */
export type RequestHandlers<R extends RequestSchemas> = {
  [K in keyof R]: (
    payload: StandardSchemaV1.InferOutput<R[K]['payload']>,
    context: RequestContext,
  ) => StandardSchemaV1.InferInput<R[K]['answer']> | Promise<StandardSchemaV1.InferInput<R[K]['answer']>>;
};

/**
 * Options of `request` typed by a contract: its `requests` give the payload schema (validated before anything is
 * written; its output is written) and the answer schema (the answer resolves as its output) of each kind.
 *
 * @example
 * const options: TypedRequestOptions<typeof contract.requests> = { requests: contract.requests, timeoutMs: 60_000 };
 */
export type TypedRequestOptions<R extends RequestSchemas> = Omit<RequestOptions, 'schema'> & {
  /** The contract's request kinds. */
  requests: R;
};

/**
 * Options of `serveRequests` typed by a contract: each request's payload is validated by its kind's payload
 * schema before its handler runs, and each answer by the answer schema before it is written.
 *
 * @example
 * const options: TypedServeOptions<typeof contract.requests> = { requests: contract.requests, signal: stop.signal };
 */
export type TypedServeOptions<R extends RequestSchemas> = ServeOptions & {
  /** The contract's request kinds. */
  requests: R;
};
