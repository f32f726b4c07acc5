// `@fipc/sse/client`: the browser-side (and any-runtime) half of @fipc/sse. It imports nothing from Node; a test
// bundles it for the browser platform and fails on any `node:` import. Keep it that way.
export type { EventOf, EventRecord, EventSchemas, OnSkip, RecordOf, Skip } from '@fipc/core/portable';
export { SseError, type SseErrorCode } from '../errors.js';
export type { RecordMatcher } from '../record-matcher.js';
export { subscribe } from './subscribe.js';
export type {
  EventStream,
  HeaderValues,
  RetryInfo,
  StreamReset,
  SubscribeOptions,
} from './subscribe-options.js';
