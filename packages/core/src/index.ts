export type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
export { onAbort } from './abort.js';
export {
  type AtomicWriteOptions,
  checkReplaceable,
  writeFileAtomic,
  writeFileAtomicSync,
} from './atomic-write.js';
export { ChangeHints } from './change-hints.js';
export {
  type Contract,
  defineContract,
  type EventInput,
  type EventOf,
  type EventOutput,
  type EventSchemas,
  type EventType,
  type RecordOf,
  type RequestKind,
  type RequestSchemas,
} from './contract.js';
export {
  type HintListener,
  rewatchDirectory,
  watchDirectory,
  watchedDirectories,
} from './directory-watch.js';
export { logEpoch, readEpoch } from './epoch.js';
export { type CommonErrorCode, errnoCode, FipcError, type FipcErrorOptions, fsError } from './errors.js';
export { checkEventData, type EventDataCheck } from './event-data.js';
export { isoTime } from './iso-time.js';
export { isJsonObject, isPlainJson, type JsonObject, parseJsonBytes, toJson } from './json.js';
export {
  DEFAULT_MAX_LINE_BYTES,
  LineScanner,
  type LineScannerOptions,
  type OnLine,
  TOO_LONG,
} from './line-scanner.js';
export {
  DEFAULT_POLL_MS,
  type Durability,
  durabilityOption,
  type OnSkip,
  positiveMs,
  type Skip,
} from './options.js';
export { type EventEntry, parseRecordLine } from './parse-line.js';
export {
  openRegularSync,
  READ_REGULAR,
  type ReadFileOptions,
  readJsonFile,
  readJsonFileSync,
  readRegularFile,
  readRegularFileSync,
} from './read-file.js';
export {
  CHUNK_BYTES,
  isLineStart,
  lastLineEnd,
  NOT_LINE_START,
  type ReadLinesOptions,
  readLines,
  readOn,
} from './read-lines.js';
export { type EventRecord, SCHEMA_VERSION, toEventRecord } from './record.js';
export {
  RequestAwareError,
  type RequestAwareErrorOptions,
  type RequestOutcomeCode,
  type ResponseErrorInfo,
  responseErrorInfo,
} from './request-outcome.js';
export { formatIssues, isStandardSchema, type Validated, validate, validateSync } from './schema.js';
export { eventSchemasProblem, requestSchemasProblem } from './schema-maps.js';
export { syncDirectory, syncDirectorySync } from './sync-directory.js';
