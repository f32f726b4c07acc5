// Type-checked by `pnpm smoke` against the packed @fipc/instances, with moduleResolution NodeNext and Bundler.
import {
  type InstanceInfo,
  InstancesError,
  type InstancesErrorCode,
  type KeepReason,
  removeInstances,
} from '@fipc/instances';

export async function sweep(root: string): Promise<string[]> {
  // @ts-expect-error: olderThanMs is required
  await removeInstances(root, { dryRun: true });
  const { removed, kept } = await removeInstances(root, { olderThanMs: 1_000, dryRun: true });
  const reasons: KeepReason[] = kept.map((k) => k.reason);
  return [...removed.map((i: InstanceInfo) => i.id), ...reasons];
}

export const code = (error: unknown): InstancesErrorCode | undefined =>
  error instanceof InstancesError ? error.code : undefined;
