import { closeSync, fstatSync, readSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { fsError, syncDirectorySync } from '@fipc/core';
import { DeferredWrites } from './deferred-writes.js';
import { EventLogError } from './errors.js';
import { GroupCommit } from './group-commit.js';
import type { LogSettings } from './log-options.js';
import { openAppend } from './open-append.js';
import { acquireRotationLock, pruneSegments, releaseRotationLock, renameToSegment } from './rotation.js';
import { RECHECK_MS } from './seal.js';
import { statQuietly } from './segments.js';
import { registerWriter } from './writers.js';

const same = (a: Stats, b: { dev: number; ino: number }) => a.ino === b.ino && a.dev === b.dev;
// A rotation another writer holds the lock for is looked at again this soon; a failed one after a second.
const BUSY_RETRY_MS = 10;
const FAILED_RETRY_MS = 1_000;

/**
 * The file a writer appends to: the one at the log's path. Before a write it checks, at most every
 * {@link RECHECK_MS}, that the path still names it (one `stat`), and reopens the path when it does not, so a
 * rotation by anyone (another writer, `mv`, logrotate) is followed; with rotation options it also rotates.
 * Between checks a write costs one clock read.
 */
export class LogFile {
  fd!: number;
  commit: GroupCommit | undefined;
  /** Offset where this writer's next record starts, counted by it (exact while it is the only writer). */
  position = 0;
  /** Written before the next record: `\n` after a torn last line, NUL + `\n` after a short write. */
  prefix = '';
  /** Durable records emitted while a sync runs, written just before the next one. */
  readonly deferred = new DeferredWrites(this);
  #identity!: { dev: number; ino: number };
  #checkAt = 0;
  /** The live file's size as last seen plus what this writer appended since. */
  #size = 0;
  #sinceSized = 0;
  readonly #sizeEvery: number;
  #bornAt: number | undefined;
  #retryAt = 0;
  readonly #retiring: Promise<void>[] = [];
  readonly #unregister: () => void;

  /** The log's absolute path. */
  get file(): string {
    return this.settings.file;
  }

  constructor(private readonly settings: LogSettings) {
    const { file, rotation } = settings;
    this.#open(); // first: a path that cannot be a log fails as such
    this.#unregister = registerWriter(file);
    this.#sizeEvery = rotation?.maxBytes ? Math.max(1024, rotation.maxBytes / 16) : Number.POSITIVE_INFINITY;
  }

  /**
   * Called before each write: follows a rotation, and rotates when a limit is reached. Returns the time it
   * read, for the record's timestamp. Throws `EventLogError`.
   */
  beforeWrite(): number {
    const now = Date.now();
    if (now >= this.#checkAt) this.#recheck(now);
    const rotation = this.settings.rotation;
    if (!rotation || now < this.#retryAt) return now;
    const full = rotation.maxBytes !== undefined && this.#size >= rotation.maxBytes;
    const old =
      rotation.maxAgeMs !== undefined &&
      this.#bornAt !== undefined &&
      now - this.#bornAt >= rotation.maxAgeMs;
    if (full || old) this.rotate(false, now);
    return now;
  }

  /** Counts a write of `written` bytes (also a short one). */
  afterWrite(written: number): void {
    this.position += written;
    this.#size += written;
    this.#sinceSized += written;
    if (this.#sinceSized >= this.#sizeEvery) {
      this.#sinceSized = 0;
      this.#size = fstatSync(this.fd).size; // the other writers' records count too
    }
  }

  /**
   * Renames the live file to the next segment, under the rotation lock, if it is still this writer's file and
   * (unless `explicit`) still over a limit; then appends to a new live file. Returns the segment's path, or
   * `undefined` when nothing was rotated (empty file, another writer rotated or is rotating).
   */
  rotate(explicit: boolean, now = Date.now()): string | undefined {
    const { file, rotation, durability } = this.settings;
    let locked = false;
    try {
      locked = acquireRotationLock(file);
      if (!locked) {
        this.#retryAt = now + BUSY_RETRY_MS;
        this.#checkAt = 0; // the other writer's rotation is followed at the next write
        return undefined;
      }
      const here = statQuietly(file);
      if (!here || !same(here, this.#identity)) {
        this.#reopen();
        return undefined;
      }
      this.#size = here.size;
      const due =
        explicit ||
        (rotation?.maxBytes !== undefined && here.size >= rotation.maxBytes) ||
        (rotation?.maxAgeMs !== undefined &&
          this.#bornAt !== undefined &&
          now - this.#bornAt >= rotation.maxAgeMs);
      if (here.size === 0 || !due) return undefined;
      const segment = renameToSegment(file);
      if (durability === 'fsync') syncDirectorySync(dirname(file));
      this.#reopen();
      if (rotation?.maxSegments !== undefined) pruneSegments(file, rotation.maxSegments);
      return segment;
    } catch (error) {
      this.#retryAt = now + FAILED_RETRY_MS;
      this.#checkAt = 0;
      if (explicit) throw EventLogError.from(fsError(error, file, 'cannot rotate'));
      return undefined; // the record still goes to the live file; the rotation is tried again later
    } finally {
      if (locked) releaseRotationLock(file);
    }
  }

  /** Waits for pending syncs, then closes every descriptor and removes the writer's marker. */
  async close(): Promise<void> {
    this.deferred.flush();
    await Promise.all(this.#retiring);
    await this.commit?.idle();
    closeSync(this.fd);
    this.#unregister();
  }

  #recheck(now: number): void {
    const here = statQuietly(this.settings.file);
    if (here && same(here, this.#identity)) {
      this.#checkAt = now + RECHECK_MS;
      this.#size = here.size;
      this.#sinceSized = 0;
      if (this.#bornAt === undefined && here.size > 0) this.#bornAt = firstRecordTime(this.fd, here);
      return;
    }
    this.#reopen();
  }

  /** The path names another file, or none: append to the one there now (created if missing). */
  #reopen(): void {
    this.deferred.flush(false); // into the file they were emitted for, before it is left
    const { fd, commit } = this;
    this.#open();
    // Syncs already asked for on the old descriptor finish before it is closed.
    this.#retiring.push(
      (async () => {
        await commit?.idle();
        try {
          closeSync(fd);
        } catch {}
      })(),
    );
  }

  #open(): void {
    const { fd, size, torn } = openAppend(this.settings);
    const stats = fstatSync(fd);
    this.fd = fd;
    this.commit =
      this.settings.durability === 'fsync' ? new GroupCommit(fd, () => this.deferred.flush()) : undefined;
    this.#identity = { dev: stats.dev, ino: stats.ino };
    this.position = size;
    this.prefix = torn ? '\n' : '';
    this.#size = size;
    this.#sinceSized = 0;
    this.#bornAt = size > 0 ? firstRecordTime(fd, stats) : undefined;
    this.#checkAt = Date.now() + RECHECK_MS;
  }
}

/**
 * When the file's first record was written (its `timestamp`, or `ts` in the short variant): the age
 * `maxAgeMs` is measured from. The file's modification time when the first line is not a record.
 */
function firstRecordTime(fd: number, stats: Stats): number {
  const buffer = Buffer.allocUnsafe(4096);
  const bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
  const nl = buffer.subarray(0, bytesRead).indexOf(10);
  try {
    const first = JSON.parse(buffer.subarray(0, nl === -1 ? bytesRead : nl).toString('utf8'));
    const time = Date.parse(first.timestamp ?? first.ts);
    if (Number.isFinite(time)) return time;
  } catch {}
  return stats.mtimeMs;
}
