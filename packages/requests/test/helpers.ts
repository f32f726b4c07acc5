import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RequestError } from '@fipc/requests';
import { waitFor } from '@fipc/test-utils';
import { expect } from 'vitest';

/** The entries of the requests directory; the private `.tmp` subdirectory must hold nothing left over. */
export const files = (dir: string) => {
  expect(readdirSync(join(dir, 'input-requests', '.tmp'))).toEqual([]);
  return readdirSync(join(dir, 'input-requests'))
    .filter((name) => name !== '.tmp')
    .sort();
};

/** The `RequestError` a promise rejects with (anything else fails the test). */
export const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RequestError);
    return error as RequestError;
  }
  throw new Error('expected a rejection');
};

export const waitForFile = (path: string) => waitFor(() => existsSync(path), { what: path });

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends to `path` until the filesystem is full. */
export function fillDisk(path: string): void {
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) appendFileSync(path, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}
