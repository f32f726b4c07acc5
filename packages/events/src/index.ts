export {
  type EventEntry,
  type EventRecord,
  type JsonObject,
  type OnSkip,
  SCHEMA_VERSION,
  type Skip,
  type StandardSchemaV1,
  toEventRecord,
} from '@fipc/core';
export { EventLogError, type EventLogErrorCode } from './errors.js';
export { createEventBus, type EventBus, type SubscribeOptions, type Subscription } from './event-bus.js';
export { type EmitOptions, type EmittedEvent, type EventLog, openEventLog } from './event-log.js';
export type { EventLogOptions } from './log-options.js';
export { type MirrorLogOptions, type MirrorReset, mirrorLog } from './mirror-log.js';
export type { ReaderOptions } from './read-entries.js';
export { type ReadEventsOptions, readEvents } from './read-events.js';
export type { RotationOptions } from './rotation.js';
export type { EmitArgs, EventInput, EventOf, EventOutput, EventSchemas, EventType } from './schemas.js';
export { RECHECK_MS, SEAL_MS, sealTime } from './seal.js';
export {
  type LogFileLocation,
  type LogSegment,
  listSegments,
  locateLogFile,
  segmentPath,
} from './segments.js';
export { tailEvents } from './tail-events.js';
export type { TailFile, TailPosition } from './tail-files.js';
export type { TailEventsOptions, TailReset } from './tail-options.js';
export type { EntryOf, TypedReaderOptions, UnknownEvents } from './typed-reader.js';
export { HEARTBEAT_MS, listWriters, WRITER_STALE_MS, type WriterInfo } from './writers.js';
