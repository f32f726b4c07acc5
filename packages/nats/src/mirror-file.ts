import { closeSync, constants, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type Durability,
  fsError,
  lastLineEnd,
  openRegularSync,
  readEpoch,
  writeFileAtomicSync,
} from '@fipc/core';

/**
 * The mirror's copy of a log. The mirror is its only writer, so its size is where the copy ends: the
 * `nextOffset` of the last record written. Opening cuts a torn tail (a write cut short by a crash) back to
 * the last whole line.
 */
export class MirrorFile {
  readonly path: string;
  readonly #durability: Durability;
  #fd = -1;
  size = 0;
  epoch: string | undefined;
  /** Bytes cut from a torn tail when the file was opened. */
  readonly cut: number;

  constructor(path: string, durability: Durability) {
    this.path = path;
    this.#durability = durability;
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      throw fsError(error, dirname(path), 'cannot create the directory');
    }
    this.#open();
    const end = lastLineEnd(this.#fd, this.size);
    this.cut = this.size - end;
    if (this.cut > 0) {
      this.#call(() => ftruncateSync(this.#fd, end), 'cannot cut the torn tail');
      this.size = end;
    }
    this.epoch = readEpoch(this.#fd);
  }

  /** Writes `data` at the end (`data` continues the copy exactly there). */
  append(data: Uint8Array): void {
    this.#call(() => {
      for (let done = 0; done < data.length; )
        done += writeSync(this.#fd, data, done, data.length - done, this.size + done);
      if (this.#durability === 'fsync') fdatasyncSync(this.#fd);
    }, 'cannot write');
    this.size += data.length;
    this.epoch ??= readEpoch(this.#fd);
  }

  /**
   * Replaces the copy by a new log that starts with `data` (a rotation): a complete file renamed over the
   * path, which readers following it see as a replaced log.
   */
  replace(data: Uint8Array, epoch: string): void {
    writeFileAtomicSync(this.path, data, { durability: this.#durability, mode: 0o644 });
    this.close();
    this.#open();
    this.size = data.length;
    this.epoch = epoch;
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }

  #open(): void {
    this.#fd = openRegularSync(this.path, constants.O_RDWR | constants.O_CREAT, 0o644);
    this.size = fstatSync(this.#fd).size;
  }

  #call(action: () => void, what: string): void {
    try {
      action();
    } catch (error) {
      throw fsError(error, this.path, what);
    }
  }
}
