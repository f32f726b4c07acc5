import { lstatSync } from 'node:fs';
import { leaseMsOf } from './lease.js';

/** A live responder seen holding claims: its leases are all one inode (its heartbeat), renewed together. */
interface Holder {
  key: string;
  leaseMs: number;
  expiresAt: number;
  /** The requests it holds, with their lease files: one lstat of any of them tells when all expire. */
  ids: Map<string, string>;
}

/**
 * The claims other live responders hold, as this responder last saw them: a held request is not looked at
 * again before its holder's leases may have expired, and then one lstat of one of the holder's leases renews
 * what is known of all of them. Requests held elsewhere cost one lstat per holder per lease period, whatever
 * their number (a rescan once looked at every one of them: a link, an lstat and a read each, every poll).
 */
export class HeldClaims {
  readonly #holders = new Map<string, Holder>();
  readonly #holderOf = new Map<string, Holder>();

  /**
   * Looks at the lease file `lease` of request `id`: whether a live responder holds it. Remembers the holder
   * if so; forgets `id` if not (gone, or expired: it may be taken over).
   */
  examine(id: string, lease: string, now = Date.now()): boolean {
    this.forget(id);
    const stats = lstatSync(lease, { throwIfNoEntry: false });
    if (!stats) return false;
    const key = `${stats.dev}:${stats.ino}`;
    let holder = this.#holders.get(key);
    if (!holder) {
      holder = { key, leaseMs: leaseMsOf(lease), expiresAt: 0, ids: new Map() };
      this.#holders.set(key, holder);
    }
    holder.expiresAt = stats.mtimeMs + holder.leaseMs;
    if (now > holder.expiresAt) {
      if (holder.ids.size === 0) this.#holders.delete(key);
      return false;
    }
    holder.ids.set(id, lease);
    this.#holderOf.set(id, holder);
    return true;
  }

  /** Whether `id` was seen held by a responder whose leases have not expired since. */
  isHeld(id: string): boolean {
    return this.#holderOf.has(id);
  }

  /**
   * Looks again at each holder whose leases may have expired by `now` (one lstat each): a holder that renewed
   * is remembered with its new expiry; the requests of one that did not are forgotten and returned, to be
   * taken over.
   */
  refresh(now = Date.now()): string[] {
    const released: string[] = [];
    for (const holder of [...this.#holders.values()]) {
      if (now <= holder.expiresAt) continue;
      for (const [id, lease] of holder.ids) {
        const stats = lstatSync(lease, { throwIfNoEntry: false });
        if (stats && `${stats.dev}:${stats.ino}` === holder.key) {
          holder.expiresAt = stats.mtimeMs + holder.leaseMs;
          break;
        }
        // This lease is gone (answered and swept, given up) or is someone else's now: a fresh look at it.
        this.forget(id);
        released.push(id);
      }
      if (now <= holder.expiresAt) continue;
      // The holder stopped renewing (it died or hung): all its requests may be taken over.
      for (const id of holder.ids.keys()) {
        this.#holderOf.delete(id);
        released.push(id);
      }
      this.#holders.delete(holder.key);
    }
    return released;
  }

  /** Forgets `id` (a hint named one of its files, or it is no longer pending). */
  forget(id: string): void {
    const holder = this.#holderOf.get(id);
    if (!holder) return;
    this.#holderOf.delete(id);
    holder.ids.delete(id);
    if (holder.ids.size === 0) this.#holders.delete(holder.key);
  }

  /** Forgets every request not in `pending` (answered or removed since). */
  retain(pending: Set<string>): void {
    for (const id of this.#holderOf.keys()) if (!pending.has(id)) this.forget(id);
  }
}
