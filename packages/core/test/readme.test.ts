import { join } from 'node:path';
import { readmeExampleErrors } from '@fipc/test-utils/readme-examples';
import { expect, it } from 'vitest';

it('every TypeScript example of the README compiles', () => {
  expect(readmeExampleErrors(join(import.meta.dirname, '..'))).toEqual([]);
});
