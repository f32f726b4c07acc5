import { randomBytes } from 'node:crypto';
import { closeSync, constants, futimesSync, lstatSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIRNAME } from './directory.js';
import { entryExists, linkExclusive, readSmallFile, removeQuietly } from './files.js';
import { leaseName } from './names.js';
import { self } from './records.js';

/**
 * A responder's heartbeat: one hidden file whose mtime is "alive as of". Each claim is a hard link of it named
 * `<id>.lease-<n>`, so renewing every lease the responder holds is one `futimes`, and a responder that dies
 * lets all its leases expire together.
 */
export class Heartbeat {
  readonly name = `${PRIVATE_DIRNAME}/responder-${randomBytes(8).toString('hex')}`;
  readonly #dir: string;
  readonly #fd: number;

  constructor(dir: string, leaseMs: number) {
    this.#dir = dir;
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    this.#fd = openSync(join(dir, this.name), flags, 0o600);
    const info = { responder: { ...self(), id: this.name.slice(-16) }, lease_ms: leaseMs };
    writeSync(this.#fd, `${JSON.stringify({ ...info, started_at: new Date().toISOString() }, null, 2)}\n`);
  }

  /** Extends every lease linked to this heartbeat by the lease period. */
  renew(): void {
    const now = Date.now() / 1000;
    futimesSync(this.#fd, now, now);
  }

  /**
   * Tries to claim request `id`: generation 1 if nobody claimed it, or the next generation if `takeOver` and
   * the current holder's lease has expired. Linking fails atomically if another responder got there first.
   * Returns the generation claimed, or undefined.
   */
  claim(id: string, takeOver: boolean): number | undefined {
    if (linkExclusive(this.#dir, this.name, leaseName(id, 1))) return 1;
    if (!takeOver) return undefined;
    let generation = 1;
    while (entryExists(join(this.#dir, leaseName(id, generation + 1)))) generation++;
    if (!leaseExpired(this.#dir, leaseName(id, generation))) return undefined;
    return linkExclusive(this.#dir, this.name, leaseName(id, generation + 1)) ? generation + 1 : undefined;
  }

  /** Whether another responder has taken over our claim of `id`. */
  lost(id: string, generation: number): boolean {
    return entryExists(join(this.#dir, leaseName(id, generation + 1)));
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
}

/** Whether the lease file `name` has not been renewed within its holder's lease period. */
export function leaseExpired(dir: string, name: string, now = Date.now()): boolean {
  let mtimeMs: number;
  try {
    mtimeMs = lstatSync(join(dir, name)).mtimeMs;
  } catch {
    return true;
  }
  return now > mtimeMs + leaseMsOf(dir, name);
}

/** The holder's lease period written in a lease file (30 s if unreadable). */
export function leaseMsOf(dir: string, name: string): number {
  const file = readSmallFile(join(dir, name), 64 * 1024);
  if (file.ok) {
    try {
      const leaseMs = JSON.parse(file.text).lease_ms;
      if (typeof leaseMs === 'number' && leaseMs > 0) return leaseMs;
    } catch {
      // fall through
    }
  }
  return 30_000;
}
