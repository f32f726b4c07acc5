import { build } from 'esbuild';

/**
 * Bundles `source` (TypeScript, resolved from this folder with the workspace sources) as a browser would get
 * it: esbuild, platform 'browser', ESM. A `node:` import anywhere fails the build.
 */
export async function bundleForBrowser(source: string): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    stdin: { contents: source, resolveDir: import.meta.dirname, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['@fipc/source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return {
    code: result.outputFiles[0]!.text,
    inputs: Object.keys(result.metafile.inputs).filter((input) => input !== 'entry.ts'),
  };
}

export { CHROMIUM, noBrowser, openBrowser } from '@fipc/test-utils/browser';
