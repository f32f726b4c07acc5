export type { Durability, JsonObject, Skip, StandardSchemaV1 } from '@fipc/core';
export { StateError, type StateErrorCode, type StateErrorOptions } from './errors.js';
export { type ReadStateOptions, readState } from './read-state.js';
export type { FieldsOf, InputOf, Snapshot, StateMeta } from './snapshot.js';
export { type CleanStaleTempsOptions, cleanStaleTemps } from './stale-temps.js';
export { openStateStore } from './state-store.js';
export type { Landed, StateStore, StateStoreOptions } from './store-types.js';
export { type WatchStateOptions, watchState } from './watch-state.js';
export { type WriteStateOptions, writeState, writeStateSync } from './write-state.js';
