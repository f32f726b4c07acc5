// The `@fipc/core/portable` entry: the part of core that imports nothing from Node, for code that also runs in
// browsers, Deno, Bun and workers (a contract shared with a page, `@fipc/sse/client`). Keep it that way: a test
// bundles it for the browser platform and fails on any `node:` import.
export type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
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
export { type CommonErrorCode, FipcError, type FipcErrorOptions } from './errors.js';
export { checkEventData, type EventDataCheck } from './event-data.js';
export { isJsonObject, type JsonObject } from './json.js';
export type { OnSkip, Skip } from './options.js';
export { type EventRecord, SCHEMA_VERSION, toEventRecord } from './record.js';
export {
  RequestAwareError,
  type RequestAwareErrorOptions,
  type RequestOutcomeCode,
  type ResponseErrorInfo,
  responseErrorInfo,
} from './request-outcome.js';
export { formatIssues, isStandardSchema, type Validated, validate } from './schema.js';
export { eventSchemasProblem, requestSchemasProblem } from './schema-maps.js';
