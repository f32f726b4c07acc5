import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// One vitest project per workspace folder that has tests; each resolves workspace packages to their
// TypeScript sources through the `@fipc/source` export condition, so tests never need a build first.
const projects = ['packages', 'apps', 'tools', 'examples'].flatMap((group) =>
  existsSync(group)
    ? readdirSync(group)
        .map((name) => join(group, name))
        .filter((dir) => existsSync(join(dir, 'test')) && existsSync(join(dir, 'package.json')))
        .map((dir) => ({
          extends: true as const,
          test: {
            name: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name as string,
            root: dir,
            include: ['test/**/*.test.ts'],
            // Type tests (`expectTypeOf`, `@ts-expect-error`) run with the others and count in the totals.
            typecheck: {
              enabled: existsSync(join(dir, 'tsconfig.json')),
              include: ['test/**/*.test-d.ts'],
              tsconfig: 'tsconfig.json',
            },
          },
        }))
    : [],
);

// Vite's default server conditions, with ours first.
const conditions = ['@fipc/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@fipc/source'] } },
  test: {
    projects,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Cross-process tests spawn many children; two cores are shared by all of them.
    maxWorkers: 2,
    // CI reads the totals from this report (.ci/run prints them as `N passed, N failed`).
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]]
      : ['default'],
  },
});
