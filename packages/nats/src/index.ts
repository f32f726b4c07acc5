export { connectNats } from './connect.js';
export {
  type HandlerErrorInfo,
  NatsBridgeError,
  type NatsBridgeErrorCode,
  type NatsBridgeErrorOptions,
} from './errors.js';
export {
  type BatchPosition,
  DEFAULT_EVENTS_PREFIX,
  DEFAULT_EVENTS_STREAM,
  type EventsStreamOptions,
} from './events-stream.js';
export { type MirrorEventsOptions, mirrorEvents } from './mirror-events.js';
export type { BridgeOptions } from './options.js';
export { type ShipEventsOptions, type Shipped, shipEvents } from './ship-events.js';
export { idOfToken, subjectToken } from './subjects.js';
