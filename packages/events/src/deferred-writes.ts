import { fsError } from '@fipc/core';
import { append, type Placed } from './append.js';
import { EventLogError } from './errors.js';
import type { LogFile } from './log-file.js';

interface Deferred {
  line: string;
  bytes: number;
  resolve: (placed: Placed) => void;
  reject: (error: unknown) => void;
}

// Logs with deferred lines: written at exit, so that `process.exit()` after an emit still finds it in the file.
const pending = new Set<DeferredWrites>();
let exitHooked = false;

/**
 * The durable records emitted while a sync runs. They could not be in that sync anyway: they wait for it to
 * end and are written together, in one `write(2)`, just before the next sync starts. With 64 concurrent
 * emitters this saves 63 writes per sync (group commit: PROTOCOL.md 2.4 is unchanged, records of one writer
 * keep their order and stay whole).
 */
export class DeferredWrites {
  #queue: Deferred[] = [];

  constructor(private readonly log: LogFile) {}

  /** Resolves with the line's place once it is written and synced; rejects with an `EventLogError`. */
  add(line: string, bytes: number): Promise<Placed> {
    if (!exitHooked) {
      exitHooked = true;
      process.once('exit', () => {
        for (const writes of pending) writes.flush();
      });
    }
    pending.add(this);
    return new Promise((resolve, reject) => this.#queue.push({ line, bytes, resolve, reject }));
  }

  /**
   * Writes the deferred lines to the log's file now, and has the file's next sync settle them. `check`: look
   * at the path first, as before any write; off for the flush into a file the writer is leaving.
   */
  flush(check = true): void {
    const queue = this.#queue;
    if (queue.length === 0) return;
    this.#queue = [];
    pending.delete(this);
    const { log } = this;
    let total = 0;
    for (const { bytes } of queue) total += bytes;
    let placed: Placed;
    try {
      // A sync can outlast a rotation: the lines go to the file at the path now (PROTOCOL.md 2.4).
      if (check) log.beforeWrite();
      placed = append(log, queue.map(({ line }) => line).join(''), total);
    } catch (error) {
      for (const { reject } of queue) reject(error);
      return;
    }
    let at = placed.offset;
    let extra = placed.bytes - (placed.nextOffset - placed.offset); // the prefix, counted with the first line
    const written: Array<[Deferred, Placed]> = [];
    for (const entry of queue) {
      const place = { offset: at, nextOffset: at + entry.bytes, bytes: entry.bytes + extra };
      at += entry.bytes;
      extra = 0;
      if (place.nextOffset <= placed.nextOffset) written.push([entry, place]);
      else
        entry.reject(
          new EventLogError(
            'DISK_FULL',
            `the disk filled up while writing to ${log.file}: readers skip the fragment`,
            {
              path: log.file,
            },
          ),
        );
    }
    if (written.length === 0) return;
    log.commit!.sync().then(
      () => {
        for (const [{ resolve }, place] of written) resolve(place);
      },
      (error) => {
        for (const [{ reject }] of written) reject(fsError(error, log.file, 'cannot sync'));
      },
    );
  }
}
