// Type-checked by `pnpm smoke` against the packed @fipc/core, with moduleResolution NodeNext and Bundler.
import { type CommonErrorCode, type Durability, FipcError, type Skip, writeFileAtomicSync } from '@fipc/core';

class MyError extends FipcError<CommonErrorCode | 'MINE'> {}

export function write(durability: Durability): boolean {
  // @ts-expect-error: durability is 'none' or 'fsync'
  writeFileAtomicSync('x', 'y', { durability: true });
  return writeFileAtomicSync('x', 'y', { durability });
}

export const code = (error: unknown): string | undefined =>
  error instanceof MyError ? error.code : undefined;
export const reason = (skip: Skip): string => skip.reason;
