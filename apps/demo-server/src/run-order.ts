import { z } from 'zod';

/** Run ids are made by the store and checked on every route: they become directory names. */
export const RunId = z.string().regex(/^run-[a-z0-9]{6,40}$/, 'not a run id (run-<letters and digits>)');

/**
 * The run ids in order (an id starts with its creation time, so ids sort oldest first), and the pages of it the
 * API serves newest first: a page costs its own length, not the number of runs.
 */
export class RunOrder {
  readonly #ids: string[] = []; // ascending

  get size(): number {
    return this.#ids.length;
  }

  /** Adds ids not held yet: one by binary insertion, many (the startup scan) by one sort. */
  add(ids: readonly string[]): void {
    if (ids.length === 1) return void this.#ids.splice(this.#at(ids[0]!), 0, ids[0]!);
    this.#ids.push(...ids);
    this.#ids.sort();
  }

  delete(id: string): void {
    const at = this.#at(id);
    if (this.#ids[at] === id) this.#ids.splice(at, 1);
  }

  /** Up to `limit` ids older than `before` (from the newest when absent), newest first; `more` when older remain. */
  page(limit: number, before?: string): { ids: string[]; more: boolean } {
    const end = before === undefined ? this.#ids.length : this.#at(before);
    const start = Math.max(0, end - limit);
    return { ids: this.#ids.slice(start, end).reverse(), more: start > 0 };
  }

  /** The index of the first id not less than `id`. */
  #at(id: string): number {
    let low = 0;
    let high = this.#ids.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.#ids[mid]! < id) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
