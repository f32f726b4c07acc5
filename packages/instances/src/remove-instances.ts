import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { listWriters } from '@fipc/events';
import { InstancesError, ioError } from './errors.js';
import { type InstanceInfo, inspectInstance, LOG } from './inspect.js';
import { instanceDirectories, type ListInstancesOptions, terminalSet } from './list-instances.js';

/**
 * Options of {@link removeInstances}.
 *
 * @example
 * const options: RemoveInstancesOptions = { olderThanMs: 7 * 86_400_000, dryRun: true };
 */
export interface RemoveInstancesOptions extends ListInstancesOptions {
  /** Only instances whose last activity (the newest modification time of their files) is at least this old. */
  olderThanMs: number;
  /** Tell what would be removed, remove nothing. @default false */
  dryRun?: boolean;
  /**
   * Also remove instances that are not finished: a status that is not terminal (or no state), a live writer, a
   * pending request. The age limit still applies. @default false
   */
  force?: boolean;
}

/**
 * Why {@link removeInstances} kept an instance: too recent, or (without `force`) not finished.
 *
 * @example
 * const explain: Record<KeepReason, string> = {
 *   'too-recent': 'active lately', 'not-terminal': 'still running', 'live-writer': 'a process writes its log',
 *   'pending-request': 'waiting for an answer',
 * };
 */
export type KeepReason = 'too-recent' | 'not-terminal' | 'live-writer' | 'pending-request';

/**
 * What {@link removeInstances} did (or, in a dry run, would do).
 *
 * @example
 * const { removed, kept }: RemoveResult = await removeInstances('runs', { olderThanMs: 86_400_000 });
 */
export interface RemoveResult {
  removed: InstanceInfo[];
  kept: Array<{ instance: InstanceInfo; reason: KeepReason }>;
}

/**
 * Removes the finished instances under `root` whose last activity is older than `olderThanMs`. Finished
 * means a terminal `status` in `state.json`, no live writer of the log (PROTOCOL.md 2.7) and no pending or
 * claimed request; `force` drops that condition. An instance is first renamed to a hidden name in `root`
 * (atomic: nobody sees half of it), checked again for a writer that opened it meanwhile (renamed back if
 * one did), then deleted. Rejects with an {@link InstancesError}: `NOT_FOUND` (no root),
 * `INVALID_OPTIONS`, `IO_ERROR` (a directory that cannot be removed; those before it are gone).
 *
 * @example
 * const { removed } = await removeInstances('runs', { olderThanMs: 7 * 86_400_000, dryRun: true });
 * console.log(`would remove ${removed.map((i) => i.id).join(', ')}`);
 */
export async function removeInstances(root: string, options: RemoveInstancesOptions): Promise<RemoveResult> {
  const { olderThanMs, dryRun = false, force = false } = options ?? {};
  if (typeof olderThanMs !== 'number' || !(olderThanMs >= 0))
    throw new InstancesError('INVALID_OPTIONS', `olderThanMs must be a number >= 0, not ${olderThanMs}`);
  const terminal = terminalSet(options.terminal);
  const result: RemoveResult = { removed: [], kept: [] };
  if (!dryRun) removeLeftovers(root);
  for (const dir of instanceDirectories(root)) {
    const instance = await inspectInstance(dir, terminal);
    const reason = keepReason(instance, Date.now() - olderThanMs, force);
    if (reason) result.kept.push({ instance, reason });
    else if (dryRun || remove(instance, force)) result.removed.push(instance);
    else result.kept.push({ instance, reason: 'live-writer' });
  }
  return result;
}

function keepReason(instance: InstanceInfo, before: number, force: boolean): KeepReason | undefined {
  if (instance.lastActivityMs > before) return 'too-recent';
  if (force) return undefined;
  if (!instance.terminal) return 'not-terminal';
  if (instance.liveWriters > 0) return 'live-writer';
  if (instance.pendingRequests !== 0) return 'pending-request';
  return undefined;
}

/** Renames the instance out of the way, checks for a writer once more, then deletes it; false if kept. */
function remove(instance: InstanceInfo, force: boolean): boolean {
  const trash = join(
    dirname(resolve(instance.path)),
    `.${instance.id}.removing-${randomBytes(4).toString('hex')}`,
  );
  try {
    renameSync(instance.path, trash);
  } catch (error) {
    throw ioError(error, instance.path, 'cannot remove');
  }
  if (!force && listWriters(join(trash, LOG)).some((writer) => writer.live)) {
    // A writer opened the log after the first look: put the instance back where it writes.
    if (!existsSync(instance.path)) renameSync(trash, instance.path);
    return false;
  }
  try {
    rmSync(trash, { recursive: true, force: true });
  } catch (error) {
    throw ioError(error, instance.path, 'cannot remove');
  }
  return true;
}

/** Deletes what an interrupted sweep left: `.<id>.removing-<random>` directories (best effort). */
function removeLeftovers(root: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return; // reported by the listing that follows
  }
  for (const name of names) {
    if (/^\..+\.removing-[0-9a-f]{8}$/.test(name)) rmSync(join(root, name), { recursive: true, force: true });
  }
}
