export type { RequestKind, RequestSchemas } from '@fipc/core';
export { awaitResponse } from './await-response.js';
export { REQUESTS_DIRNAME, requestsDirectory } from './directory.js';
export {
  RequestError,
  type RequestErrorCode,
  type RequestErrorOptions,
  type ResponseErrorInfo,
} from './errors.js';
export type { EventSink } from './event-sink.js';
export { assertValidId, isValidId, MAX_ID_LENGTH } from './ids.js';
export type {
  AnswerOf,
  PayloadOf,
  RequestHandlers,
  TypedRequestOptions,
  TypedServeOptions,
} from './kinds.js';
export { type ListOptions, listRequests, type RequestInfo, type RequestStatus } from './list.js';
export type { JsonValue, ProcessInfo, RequestRecord, ResponseRecord } from './records.js';
export { type PendingAnswer, request } from './request.js';
export type { Answer, RequestOptions, WaitOptions } from './request-options.js';
export { cancelRequest, type RespondOptions, respond } from './respond.js';
export {
  type RequestContext,
  type RequestHandler,
  type ServeOptions,
  type ServeSummary,
  serveRequests,
} from './serve.js';
export { DEFAULT_RETENTION_MS, DEFAULT_STALE_TEMP_MS, type SweepOptions, sweepRequests } from './sweep.js';
