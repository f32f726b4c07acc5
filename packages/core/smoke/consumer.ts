// Type-checked by `pnpm smoke` against the packed @fipc/core, with moduleResolution NodeNext and Bundler.
import { type CommonErrorCode, type Durability, FipcError, type Skip, writeFileAtomicSync } from '@fipc/core';
import { defineContract, type EventOf } from '@fipc/core/portable';

class MyError extends FipcError<CommonErrorCode | 'MINE'> {}

export function write(durability: Durability): boolean {
  // @ts-expect-error: durability is 'none' or 'fsync'
  writeFileAtomicSync('x', 'y', { durability: true });
  return writeFileAtomicSync('x', 'y', { durability });
}

export const code = (error: unknown): string | undefined =>
  error instanceof MyError ? error.code : undefined;
export const reason = (skip: Skip): string => skip.reason;

// The Node-free entry: a contract, typed by a hand-written Standard Schema.
const Progress = {
  '~standard': {
    version: 1,
    vendor: 'smoke',
    validate: (value: unknown) => ({ value: value as { percent: number } }),
    types: undefined as unknown as { input: { percent: number }; output: { percent: number } },
  },
} as const;
const contract = defineContract({ events: { progress: Progress } });
export const percent = (record: EventOf<typeof contract.events>): number => record.data.percent;
// @ts-expect-error: only progress is in the contract
export const other = (record: EventOf<typeof contract.events>): boolean => record.event_type === 'done';
