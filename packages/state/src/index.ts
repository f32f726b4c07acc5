export type { StandardSchemaV1 } from '@standard-schema/spec';
export { StateError, type StateErrorCode } from './errors.js';
export { type ReadStateOptions, readState } from './read-state.js';
export type { FieldsOf, JsonObject, Snapshot, StateMeta } from './snapshot.js';
export { type CleanStaleTempsOptions, cleanStaleTemps } from './stale-temps.js';
export { type Landed, openStateStore, type StateStore, type StateStoreOptions } from './state-store.js';
export { type WatchStateOptions, watchState } from './watch-state.js';
export { type WriteStateOptions, writeState, writeStateSync } from './write-state.js';
