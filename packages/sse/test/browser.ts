import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type BrowserContext, chromium } from 'playwright-core';

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

/** Debian's package (Playwright's browser download cannot reach the network here); `.ci/run` installs it. */
export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or `undefined` when they can. */
export const noBrowser = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: browser test skipped`;

/** Headless Chromium with a fresh profile, kept off the network but for the page under test. */
export async function openBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'fipc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
