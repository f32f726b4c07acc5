export { connectNats } from './connect.js';
export {
  NatsBridgeError,
  type NatsBridgeErrorCode,
  type NatsBridgeErrorOptions,
  type ResponseErrorInfo,
} from './errors.js';
export {
  type BatchPosition,
  DEFAULT_EVENTS_PREFIX,
  DEFAULT_EVENTS_STREAM,
  type EventsStreamOptions,
} from './events-stream.js';
export { type MirrorEventsOptions, mirrorEvents } from './mirror-events.js';
export { type MirrorStateOptions, mirrorState } from './mirror-state.js';
export type { BridgeOptions } from './options.js';
export { awaitResponse, type PendingAnswer, type RequestOptions, request } from './request.js';
export type { Answer } from './request-outcome.js';
export type { NatsRequestRecord, NatsResponseRecord, ProcessInfo } from './request-records.js';
export {
  DEFAULT_REQUESTS_PREFIX,
  DEFAULT_REQUESTS_STREAM,
  DEFAULT_RESPONSES_BUCKET,
  type RequestsStreamOptions,
} from './requests-stream.js';
export { cancelRequest, type RespondOptions, respond } from './respond.js';
export {
  type RequestContext,
  type RequestHandler,
  type ServeOptions,
  type ServeSummary,
  serveRequests,
} from './serve.js';
export { type ShipEventsOptions, type Shipped, shipEvents } from './ship-events.js';
export { type ShipStateOptions, shipState } from './ship-state.js';
export { DEFAULT_STATE_BUCKET, type StateBucketOptions } from './state-bucket.js';
export { idOfToken, subjectToken } from './subjects.js';
