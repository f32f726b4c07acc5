import { type JsonObject, positiveMs, type StandardSchemaV1 } from '@fipc/core';
import { StateError } from './errors.js';
import { atExit } from './exit-guard.js';
import {
  assemble,
  checkFields,
  checkFieldsSync,
  type Draft,
  draft,
  type FieldsOf,
  type InputOf,
  type Snapshot,
} from './snapshot.js';
import { readBase, readBaseSync } from './store-base.js';
import type { Landed, StateStore, StateStoreOptions } from './store-types.js';
import { checkWriteOptions, writeDraft, writeDraftSync } from './write-state.js';

interface Waiter<T> {
  version: number;
  resolve: (landed: Landed<T>) => void;
  reject: (error: unknown) => void;
}

/**
 * Opens a writer for hot loops, at once: `set` and `update` may be called thousands of times a second;
 * physical writes are coalesced latest-wins (a write starts on the next turn of the event loop and takes every
 * call made until then; calls made while it runs go into the next one). Each write validates the latest
 * snapshot with `schema` and writes its output. Nothing is silent: each call's promise resolves with the
 * version that landed. A process that exits normally (the event loop empties, or `process.exit()`) never loses
 * the last update (with an asynchronous schema, `process.exit()` keeps the last validated one: see the README).
 * Throws `INVALID_OPTIONS` for a bad option.
 *
 * Ignoring the promises is allowed (they never cause an unhandled rejection); a failed write is then
 * reported by the next `flush()` or `close()`.
 *
 * @example
 * const store = openStateStore('run-1/state.json', { initial: { status: 'starting', percent: 0 } });
 * for (let percent = 0; percent <= 100; percent++) store.update({ status: 'running', percent });
 * await store.close(); // state.json now says percent: 100, after a handful of writes
 */
export function openStateStore<S extends StandardSchemaV1 | undefined = undefined>(
  path: string,
  options: StateStoreOptions<S> = {},
): StateStore<FieldsOf<S>, InputOf<S>> {
  type T = FieldsOf<S>;
  const { schema, instanceId, flushOnExit = true } = options;
  checkWriteOptions(path, options);
  let minIntervalMs: number;
  try {
    minIntervalMs = positiveMs('minIntervalMs', options.minIntervalMs, 0, 0);
  } catch (error) {
    throw StateError.from(error, path);
  }
  // `current` is exact once the base is known: `initial`, a `set()`, or the file read before the first write.
  // Until then it holds the updates merged over nothing: merged over the base, they give what merging each in
  // turn would (same values, same key order), without keeping one object per call.
  let known = options.initial !== undefined;
  let current: JsonObject = { ...(options.initial as JsonObject | undefined) };
  let loading: Promise<void> | undefined;
  let version = 0;
  let landed = 0;
  let attempted = 0; // the latest version a write was made for, landed or failed
  let writes = 0;
  let validated: { version: number; draft: Draft } | undefined; // the latest version the schema accepted
  let last: Landed<T> | undefined;
  let failure: unknown;
  let running = false;
  let closed = false;
  let lastStart = 0;
  const waiters: Waiter<T>[] = [];

  const settle = (upTo: number, outcome: { landed: Landed<T> } | { error: unknown }) => {
    let kept = 0;
    for (const waiter of waiters) {
      if (waiter.version > upTo) waiters[kept++] = waiter;
      else if ('landed' in outcome) waiter.resolve({ ...outcome.landed, requested: waiter.version });
      else waiter.reject(outcome.error);
    }
    waiters.length = kept;
  };

  const know = (base: JsonObject) => {
    current = { ...base, ...current };
    known = true;
  };

  // A failed read is forgotten, so that flush() reads again.
  const load = () =>
    (loading ??= readBase(path, schema).then(
      (base) => {
        if (!known) know(base);
      },
      (error: unknown) => {
        loading = undefined;
        if (!known) throw error; // a set() since has made the base irrelevant
      },
    ));

  const drain = async () => {
    while (attempted < version) {
      const wait = lastStart + minIntervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lastStart = Date.now();
      try {
        if (!known) await load();
      } catch (error) {
        // Without the base, no update() can be merged: every pending call fails; flush() reads again.
        attempted = version;
        failure = error;
        settle(version, { error });
        continue;
      }
      const target = version;
      attempted = target;
      try {
        const given = draft(path, current, instanceId);
        given.fields = await checkFields(path, schema, given.fields);
        validated = { version: target, draft: given };
        const parts = await writeDraft(path, given, options);
        writes++;
        landed = target;
        failure = undefined;
        last = { requested: target, version: target, snapshot: assemble(parts) as Snapshot<T> };
        settle(target, { landed: last });
      } catch (error) {
        failure = error;
        settle(target, { error });
      }
    }
    running = false;
  };

  const request = (target: number): Promise<Landed<T>> => {
    const promise = new Promise<Landed<T>>((resolve, reject) =>
      waiters.push({ version: target, resolve, reject }),
    );
    promise.catch(() => {}); // a caller may ignore it: flush() and close() report the failure
    if (!running) {
      running = true;
      setImmediate(drain);
    }
    return promise;
  };

  const change = (fields: JsonObject, whole: boolean): Promise<Landed<T>> => {
    if (closed)
      return Promise.reject(new StateError('CLOSED', `the state store is closed (${path})`, { path }));
    current = whole ? { ...fields } : { ...current, ...fields };
    if (whole) known = true; // a whole snapshot does not depend on the base
    return request(++version);
  };

  const flush = async (): Promise<Landed<T> | undefined> => {
    if (landed === version) return last;
    if (attempted === version && !running) attempted = landed; // the latest write failed: try it again
    return request(version);
  };

  // At exit nothing can wait: the latest version is validated synchronously. When it cannot be (an asynchronous
  // schema, or it rejects it), the last version the schema accepted is written if it has not landed.
  const exitFlush = () => {
    if (landed >= version) return;
    let given: Draft;
    try {
      given = draft(path, known ? current : { ...readBaseSync(path, schema), ...current }, instanceId);
      given.fields = checkFieldsSync(path, schema, given.fields);
    } catch (error) {
      const cause = StateError.from(error, path);
      const kept = validated && validated.version > landed ? validated : undefined;
      if (kept) writeDraftSync(path, kept.draft, options);
      const why =
        cause.code === 'INVALID_OPTIONS'
          ? 'its schema is asynchronous, which cannot run at exit'
          : cause.message;
      const holds = kept?.version ?? landed;
      throw new StateError(
        cause.code,
        `the last update (version ${version}) of ${path} was not written at exit: ${why}; the file holds ${holds ? `version ${holds}` : 'the snapshot it had before'}`,
        { path, cause },
      );
    }
    writeDraftSync(path, given, options);
  };
  const forget = flushOnExit ? atExit(exitFlush) : () => {};

  return {
    get current() {
      return current as InputOf<S>;
    },
    get version() {
      return version;
    },
    get landed() {
      return landed;
    },
    get writes() {
      return writes;
    },
    set: (snapshot) => change(snapshot as JsonObject, true),
    update: (patch) => change(patch as JsonObject, false),
    flush: () => {
      if (closed && landed < version) return Promise.reject(failure);
      return closed ? Promise.resolve(last) : flush();
    },
    close: async () => {
      if (closed) return;
      try {
        await flush();
      } finally {
        closed = true;
        forget();
      }
    },
  };
}
