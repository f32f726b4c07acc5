import { lstatSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InstancesError, ioError } from './errors.js';
import { type InstanceInfo, inspectInstance, isInstance } from './inspect.js';

/**
 * The `status` values of `state.json` that mean the job is over, by default.
 *
 * @example
 * await removeInstances('runs', { olderThanMs: 86_400_000, terminal: [...DEFAULT_TERMINAL_STATUSES, 'archived'] });
 */
export const DEFAULT_TERMINAL_STATUSES: readonly string[] = [
  'completed',
  'failed',
  'cancelled',
  'canceled',
  'done',
  'succeeded',
  'exited',
];

/**
 * Options of {@link listInstances}.
 *
 * @example
 * const options: ListInstancesOptions = { terminal: ['finished', 'aborted'] };
 */
export interface ListInstancesOptions {
  /** `status` values that mean the job is over. @default DEFAULT_TERMINAL_STATUSES */
  terminal?: readonly string[];
}

/**
 * The instances under `root`: each directory directly in it (not hidden, not a symlink) that holds an
 * `events.jsonl`, its segments, a `state.json` or an `input-requests/` directory; sorted by id. Reads each
 * one's state, the time of its last event, its size, its live writers and its pending requests; never
 * changes anything. Rejects with an {@link InstancesError}: `NOT_FOUND` (no root), `IO_ERROR`.
 *
 * @example
 * for (const { id, status, lastEventAt, bytes } of await listInstances('runs')) console.log(id, status, lastEventAt, bytes);
 */
export async function listInstances(
  root: string,
  options: ListInstancesOptions = {},
): Promise<InstanceInfo[]> {
  const terminal = terminalSet(options.terminal);
  const dirs = instanceDirectories(root);
  const instances: InstanceInfo[] = [];
  for (const dir of dirs) instances.push(await inspectInstance(dir, terminal));
  return instances;
}

export function terminalSet(terminal: readonly string[] | undefined): ReadonlySet<string> {
  const list = terminal ?? DEFAULT_TERMINAL_STATUSES;
  if (!Array.isArray(list) || !list.every((status) => typeof status === 'string'))
    throw new InstancesError('INVALID_OPTIONS', 'terminal must be a list of status strings');
  return new Set(list);
}

/** The instance directories in `root`, sorted by name. */
export function instanceDirectories(root: string): string[] {
  const path = resolve(root);
  let names: string[];
  try {
    if (!lstatSync(path).isDirectory())
      throw new InstancesError('IO_ERROR', `${path} is not a directory`, { path });
    names = readdirSync(path);
  } catch (error) {
    throw ioError(error, path, 'cannot list');
  }
  return names
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => join(path, name))
    .filter((dir) => lstatSync(dir, { throwIfNoEntry: false })?.isDirectory() && isInstance(dir));
}
