import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTs, tempDir } from '@fipc/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { noBrowser, openBrowser } from './browser.js';
import { stopWorkers } from './helpers.js';

const main = join(import.meta.dirname, '../src/main.ts');
const artefacts = join(import.meta.dirname, '../../../test-results');

/** Starts the real server process (as `pnpm demo` does) and resolves with it and its printed URL. */
async function startServer(runsDir: string, port: number) {
  const child = spawnTs(main, ['--port', String(port), '--runs-dir', runsDir, '--step-ms', '500']);
  onTestFinished(async () => {
    child.process.kill();
    await child.exited;
  });
  const line = await child.waitForLine((text) => text.startsWith('open http://'), 60_000);
  return { child, url: line.slice('open '.length) };
}

describe('demo in a real browser', () => {
  if (noBrowser) console.log(noBrowser);
  it.skipIf(noBrowser)(
    'streams a run, survives a server restart, takes the answer in the form and shows the run complete',
    async () => {
      const runsDir = tempDir('fipc-demo-e2e-');
      onTestFinished(() => stopWorkers(runsDir)); // a failed test must not leave a worker waiting for an answer
      let server = await startServer(runsDir, 0);
      const port = Number(new URL(server.url).port);
      const browser = await openBrowser();
      onTestFinished(() => browser.close());
      const page = await browser.context.newPage();
      const pageErrors: Error[] = [];
      page.on('pageerror', (error) => pageErrors.push(error));
      await page.goto(server.url);

      await page.getByRole('button', { name: 'Start a run' }).click();
      await page.waitForFunction(() => location.hash.startsWith('#run-'));
      // Events stream in and the bar moves.
      await page.waitForFunction(
        () => document.querySelectorAll('#feed li[data-type="progress"]').length >= 2,
      );
      const progress = () => page.locator('#progress').evaluate((bar: HTMLProgressElement) => bar.value);
      const early = await progress();
      await page.waitForFunction(
        (before) => (document.querySelector('#progress') as HTMLProgressElement).value > before,
        early,
      );
      await page.locator('#connection[data-state="live"]').waitFor();

      // Kill the server mid-run (the worker goes on, detached), see the page say so, restart it on the same port.
      await page.locator('#feed li[data-type="phase"]', { hasText: 'Building' }).waitFor();
      await server.child.kill9();
      await page.locator('#connection[data-state="reconnecting"]').waitFor();
      mkdirSync(artefacts, { recursive: true });
      await page.screenshot({ path: join(artefacts, 'demo-run-reconnecting.png'), fullPage: true });
      server = await startServer(runsDir, port);
      await page
        .locator('#connection[data-state="live"]', { hasText: 'resumed' })
        .waitFor({ timeout: 30_000 });

      // The question arrives as a form; the answer goes through the new server to the waiting worker.
      const question = page.getByRole('group', { name: 'Deploy Release 1.4.0 to production?' });
      await question.waitFor({ timeout: 30_000 });
      await question.getByLabel('Approve').check();
      await question.getByLabel('Comment (optional)').fill('Looks good');
      await question.getByRole('button', { name: 'Send answer' }).click();
      await page.locator('#connection[data-state="finished"]').waitFor({ timeout: 60_000 });
      await page.locator('#state dd', { hasText: 'completed' }).waitFor();

      expect(await progress()).toBe(100);
      const feed = await page.locator('#feed li').evaluateAll((items) =>
        items.map((item) => ({
          type: item.getAttribute('data-type'),
          seq: Number(item.getAttribute('data-seq')),
        })),
      );
      // Every event exactly once and in order, across the restart.
      expect(feed.map((item) => item.seq)).toEqual(feed.map((_, index) => index + 1));
      expect(feed.at(-1)?.type).toBe('completed');
      await page.locator('#feed li[data-type="decision"]', { hasText: 'approved: Looks good' }).waitFor();
      expect(await page.getByRole('group').count()).toBe(0); // the answered form is gone
      expect(pageErrors).toEqual([]);

      await page.screenshot({ path: join(artefacts, 'demo-run-completed.png'), fullPage: true });
    },
    180_000,
  );
});
