export { createSseStream } from './create-sse-stream.js';
export { SseError, type SseErrorCode } from './errors.js';
export { type EventId, formatEventId, parseEventId } from './event-id.js';
export { RESET_EVENT, TIMEOUT_EVENT } from './frames.js';
export { SSE_HEADERS } from './headers.js';
export type { RecordMatcher, SseStreamOptions } from './options.js';
export { type ResolveLogPath, sseHandler } from './sse-handler.js';
export { sseResponse } from './sse-response.js';
