import type { ChildProcess } from 'node:child_process';
import type { RunState } from '@fipc/demo-worker';
import type { WorkerRecord } from './workers.js';

/** Statuses after which a run's worker writes nothing more. */
export const FINAL = new Set(['completed', 'cancelled', 'failed']);

/**
 * A run as the API and the page show it: the last `state.json` as it landed, plus what the server knows of the
 * worker process. `live` says whether that process is alive; `status` is the worker's, or `starting` (no
 * `state.json` yet), `lost` (no final state, and its worker is gone) or `unreadable`.
 */
export type RunView = Partial<Omit<RunState, 'status'>> & {
  id: string;
  title: string;
  status: RunState['status'] | 'starting' | 'lost' | 'unreadable';
  message: string;
  live: boolean;
};

/** A change of the runs: a run's new view, or a run that is gone. */
export type RunChange = { type: 'run'; view: RunView } | { type: 'deleted'; id: string };

/** One page of the runs, newest first; `next` is the `before` of the page after it, `null` on the last page. */
export interface RunPage {
  runs: RunView[];
  /** How many runs there are in all. */
  total: number;
  next: string | null;
}

/** What the server holds of one run; the view is derived from it. */
export interface RunEntry {
  state?: RunState;
  /** Why `state.json` cannot be read, when it exists but is not a valid snapshot. */
  problem?: string;
  worker?: WorkerRecord;
  /** The worker process, when this server spawned it and it has not exited yet. */
  child?: ChildProcess;
  /** How the worker this server spawned ended, in words. */
  exit?: string;
  /** Stops following the run's `state.json`. */
  watch?: AbortController;
  view?: RunView;
}

/** The view of a run from what the server holds of it and whether its worker is alive. */
export function viewOf(id: string, entry: RunEntry, live: boolean): RunView {
  const { state, worker, problem } = entry;
  const title = state?.title ?? worker?.title ?? id;
  const pid = state?.pid ?? worker?.pid;
  const gone = `The worker${pid === undefined ? '' : ` (pid ${pid})`} ${entry.exit ?? 'is gone'}`;
  if (problem) return { id, title, pid, live, status: 'unreadable', message: problem };
  if (!state) {
    return live
      ? { id, title, pid, live, status: 'starting', message: 'Starting the worker' }
      : { id, title, pid, live, status: 'lost', message: `${gone} and wrote no state.json` };
  }
  if (live || FINAL.has(state.status)) return { ...state, id, live };
  return { ...state, id, live, status: 'lost', message: `${gone} without a final state` };
}
