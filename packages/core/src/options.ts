import { FipcError } from './errors.js';

/**
 * How far a write goes before it resolves, the same option in every package.
 * `'none'`: the data is in the page cache, atomic for every reader, but a power loss may undo it.
 * `'fsync'`: the data (and, for a new name, its directory entry) is on stable storage.
 *
 * @example
 * const durability: Durability = process.env.DURABLE ? 'fsync' : 'none';
 */
export type Durability = 'none' | 'fsync';

/**
 * The safety poll period of every follower and watcher, in ms: the longest a change can wait when every
 * file system notification is lost.
 *
 * @example
 * tailEvents(path, { pollMs: DEFAULT_POLL_MS * 2 });
 */
export const DEFAULT_POLL_MS = 500;

/**
 * Input a reader skipped (a bad line, an invalid snapshot, a malformed request file), as told to `onSkip`.
 * Readers never throw for bad content: they skip it and say why.
 *
 * @example
 * const onSkip = (skip: Skip) => console.warn(`${skip.path}@${skip.offset ?? 0}: ${skip.reason}`);
 */
export interface Skip {
  /** Why it was skipped, in words for logs. */
  reason: string;
  /** The file it was in. */
  path?: string;
  /** Byte offset where the skipped bytes start (logs only). */
  offset?: number;
  /** How many bytes were skipped, not counting the newline (logs only). */
  length?: number;
  /** The error behind the skip, when there is one (a schema mismatch, say). */
  cause?: unknown;
}

/**
 * The one callback name for skipped input, in every package.
 *
 * @example
 * const onSkip: OnSkip = ({ reason }) => console.warn(reason);
 */
export type OnSkip = (skip: Skip) => void;

/**
 * Checks a period or limit in ms: a finite number above zero (or at least `min`). Throws `INVALID_OPTIONS`.
 *
 * @example
 * const pollMs = positiveMs('pollMs', options.pollMs, DEFAULT_POLL_MS);
 */
export function positiveMs(name: string, value: number | undefined, fallback: number, min = 1): number {
  const ms = value ?? fallback;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < min)
    throw new FipcError('INVALID_OPTIONS', `${name} must be a number >= ${min}, not ${String(value)}`);
  return ms;
}

/**
 * Checks a {@link Durability} value. Throws `INVALID_OPTIONS`.
 *
 * @example
 * const durability = durabilityOption(options.durability);
 */
export function durabilityOption(value: Durability | undefined): Durability {
  if (value === undefined) return 'none';
  if (value === 'none' || value === 'fsync') return value;
  throw new FipcError('INVALID_OPTIONS', `durability must be 'none' or 'fsync', not ${String(value)}`);
}
