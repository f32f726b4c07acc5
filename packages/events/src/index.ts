export type { StandardSchemaV1 } from '@standard-schema/spec';
export { ChangeHints } from './change-hints.js';
export { EventLogError, type EventLogErrorCode } from './errors.js';
export {
  type EmitOptions,
  type EmittedEvent,
  type EventInput,
  type EventLog,
  type EventLogOptions,
  type EventOutput,
  type EventSchemas,
  type EventType,
  openEventLog,
} from './event-log.js';
export type { CorruptLine, EventEntry, ReaderOptions } from './line-scanner.js';
export { parseRecordLine } from './parse-line.js';
export { type ReadEventsOptions, readEvents } from './read-events.js';
export { type EventRecord, type JsonObject, SCHEMA_VERSION, toEventRecord } from './record.js';
export { type TailEventsOptions, type TailReset, tailEvents } from './tail-events.js';
