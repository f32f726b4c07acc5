import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * The page's records module (src/page/records.ts, with `@fipc/sse/client`, the contract and zod) bundled for the
 * browser, in memory: served as /records.js. A `node:` import anywhere in it fails the build.
 */
export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(import.meta.dirname, 'page', 'records.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    conditions: ['@fipc/source'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
