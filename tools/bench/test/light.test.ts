import { join } from 'node:path';
import { runTs } from '@fipc/test-utils';
import { expect, it } from 'vitest';

// A bench subject runs in a fresh process that imports these tools: what they bring in lives in that process's
// heap and shows in its GC pauses, so the figures of ours and of another checkout would not compare.
it('the bench tools load neither the TypeScript compiler nor a browser driver into a subject process', async () => {
  const child = await runTs(join(import.meta.dirname, 'fixtures', 'loaded-modules.ts'));
  const packages: string[] = JSON.parse(child.stdout.trim().split('\n').at(-1)!);
  expect(packages).not.toContain('typescript');
  expect(packages).not.toContain('playwright-core');
});
