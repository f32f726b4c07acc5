import { randomBytes } from 'node:crypto';
import { closeSync, constants, futimesSync, linkSync, lstatSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isJsonObject, readJsonFileSync } from '@fipc/core';
import { PRIVATE_DIRNAME } from './directory.js';
import { requestError } from './errors.js';
import { entryExists, removeQuietly } from './files.js';
import { leaseName } from './names.js';
import { self } from './records.js';

/** The lease period assumed for a lease file whose `lease_ms` cannot be read. */
export const DEFAULT_LEASE_MS = 30_000;

/**
 * A responder's heartbeat: one file in the private subdirectory whose mtime is "alive as of". Each claim is a
 * hard link of it named `<id>.lease-<n>`, so renewing every lease the responder holds is one `futimes`, and a
 * responder that dies lets all its leases expire together.
 */
export class Heartbeat {
  readonly name = `${PRIVATE_DIRNAME}/responder-${randomBytes(8).toString('hex')}`;
  readonly #dir: string;
  readonly #fd: number;

  /** Throws a `RequestError` (`DISK_FULL`, `IO_ERROR`...). */
  constructor(dir: string, leaseMs: number) {
    this.#dir = dir;
    const path = join(dir, this.name);
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    try {
      this.#fd = openSync(path, flags, 0o600);
    } catch (error) {
      throw requestError(error, path);
    }
    const info = { responder: { ...self(), id: this.name.slice(-16) }, lease_ms: leaseMs };
    try {
      writeSync(this.#fd, `${JSON.stringify({ ...info, started_at: new Date().toISOString() }, null, 2)}\n`);
    } catch (error) {
      this.release();
      throw requestError(error, path);
    }
  }

  /** Extends every lease linked to this heartbeat by the lease period. */
  renew(): void {
    const now = Date.now() / 1000;
    futimesSync(this.#fd, now, now);
  }

  /**
   * Tries to claim request `id`: generation 1 if nobody claimed it, or the next generation if `takeOver` and
   * the current holder's lease has expired (`held` tells, from the lease file's name). Linking fails
   * atomically if another responder got there first. Returns the generation claimed, or undefined.
   */
  claim(id: string, takeOver: boolean, held: (lease: string) => boolean): number | undefined {
    if (this.#link(leaseName(id, 1))) return 1;
    if (!takeOver) return undefined;
    let generation = 1;
    while (entryExists(join(this.#dir, leaseName(id, generation + 1)))) generation++;
    if (held(leaseName(id, generation))) return undefined;
    return this.#link(leaseName(id, generation + 1)) ? generation + 1 : undefined;
  }

  /** Whether another responder has taken over our claim of `id`. */
  lost(id: string, generation: number): boolean {
    return entryExists(join(this.#dir, leaseName(id, generation + 1)));
  }

  /**
   * Gives up a claim whose request we did not end (its answer could not be written, its request could not be
   * read), so that it is pending again rather than held by a live heartbeat with no handler behind it. A
   * claim another responder took over is not ours to remove.
   */
  unclaim(id: string, generation: number): void {
    if (!this.lost(id, generation)) removeQuietly(join(this.#dir, leaseName(id, generation)));
  }

  /** Expires every lease still held at once (others may take them over now) and removes the heartbeat. */
  release(): void {
    try {
      futimesSync(this.#fd, 0, 0);
    } finally {
      closeSync(this.#fd);
      removeQuietly(join(this.#dir, this.name));
    }
  }

  /** `link(heartbeat, name)`; false if `name` exists. */
  #link(name: string): boolean {
    try {
      linkSync(join(this.#dir, this.name), join(this.#dir, name));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw requestError(error, join(this.#dir, name));
    }
  }
}

/** Whether the lease file `name` has not been renewed within its holder's lease period. */
export function leaseExpired(dir: string, name: string, now = Date.now()): boolean {
  let mtimeMs: number;
  try {
    mtimeMs = lstatSync(join(dir, name)).mtimeMs;
  } catch {
    return true; // gone: nobody holds it
  }
  return now > mtimeMs + leaseMsOf(join(dir, name));
}

/** The holder's lease period written in a lease or heartbeat file ({@link DEFAULT_LEASE_MS} if unreadable). */
export function leaseMsOf(path: string): number {
  try {
    const value = readJsonFileSync(path, { maxBytes: 64 * 1024 });
    const leaseMs = isJsonObject(value) ? value.lease_ms : undefined;
    if (typeof leaseMs === 'number' && leaseMs > 0) return leaseMs;
  } catch {
    // unreadable or malformed: the default
  }
  return DEFAULT_LEASE_MS;
}
