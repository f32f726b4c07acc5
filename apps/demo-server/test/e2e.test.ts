import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runTs, spawnTs, tempDir, waitFor } from '@fipc/test-utils';
import { noBrowser, openBrowser } from '@fipc/test-utils/browser';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeFinishedRuns } from '../bench/finished-runs.js';
import { stopWorkers } from './helpers.js';
import { agreement, shown, watchAgreement } from './page.js';

const main = join(import.meta.dirname, '../src/main.ts');
const fipc = join(import.meta.dirname, '../../../packages/cli/src/bin.ts');
const artefacts = join(import.meta.dirname, '../../../test-results');

/** Starts the real server process (as `pnpm demo` does) and resolves with it and its printed URL. */
async function startServer(runsDir: string, port: number, stepMs = 500) {
  const child = spawnTs(main, ['--port', String(port), '--runs-dir', runsDir, '--step-ms', String(stepMs)]);
  onTestFinished(async () => {
    child.process.kill();
    await child.exited;
  });
  const line = await child.waitForLine((text) => text.startsWith('open http://'), 60_000);
  return { child, url: line.slice('open '.length) };
}

/**
 * A fresh runs directory (filled by `prepare`), a server on it and a browser page on the server, all cleaned
 * up after the test.
 */
async function setUp<T = undefined>({
  stepMs,
  prepare,
}: {
  stepMs?: number;
  prepare?: (runsDir: string) => Promise<T>;
} = {}) {
  const runsDir = tempDir('fipc-demo-e2e-');
  onTestFinished(() => stopWorkers(runsDir)); // a failed test must not leave a worker waiting for an answer
  const prepared = (await prepare?.(runsDir)) as T;
  const server = await startServer(runsDir, 0, stepMs);
  const browser = await openBrowser();
  onTestFinished(() => browser.close());
  const page = await browser.context.newPage();
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  await watchAgreement(page);
  await page.goto(server.url);
  mkdirSync(artefacts, { recursive: true });
  return { runsDir, server, browser, page, pageErrors, prepared };
}

async function startRun(page: Page, title: string): Promise<string> {
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Start a run' }).click();
  await page.waitForFunction(() => location.hash.startsWith('#run-'));
  return page.evaluate(() => location.hash.slice(1));
}

const api = async (url: string, path: string, init?: RequestInit) => {
  const res = await fetch(new URL(path, url), init);
  return { status: res.status, body: await res.json().catch(() => undefined) };
};

describe('demo in a real browser', () => {
  if (noBrowser) console.log(noBrowser);
  it.skipIf(noBrowser)(
    'shows one snapshot everywhere, survives a server restart, titles, unknown runs and deletion',
    async () => {
      const { runsDir, page, pageErrors, ...rest } = await setUp();
      let server = rest.server;
      const port = Number(new URL(server.url).port);

      // A title that starts with '-' reaches the worker (as --title=...), the heading and the list.
      const id = await startRun(page, '-rf tonight');
      await page.locator('#run-title', { hasText: '-rf tonight' }).waitFor();
      await page.locator(`#runs li[data-id="${id}"]`, { hasText: '-rf tonight · running' }).waitFor();

      // Kill the server mid-run (the worker goes on, detached), see the page say so, restart it on the same port.
      await page.locator('#feed li[data-type="phase"]', { hasText: 'Building' }).waitFor();
      await page.locator('#connection[data-state="live"]').waitFor();
      await server.child.kill9();
      await page.locator('#connection[data-state="reconnecting"]').waitFor();
      await page.screenshot({ path: join(artefacts, 'demo-run-reconnecting.png'), fullPage: true });
      server = await startServer(runsDir, port);
      await page
        .locator('#connection[data-state="live"]', { hasText: 'resumed' })
        .waitFor({ timeout: 30_000 });

      // The question moment: bar, panel and list show the same snapshot (waiting, 60%).
      const question = page.getByRole('group', { name: 'Deploy -rf tonight to production?' });
      await question.waitFor({ timeout: 30_000 });
      expect(await shown(page)).toEqual({
        bar: '60%',
        barValue: 60,
        panel: '60%',
        list: '60%',
        panelStatus: 'waiting',
        listStatus: 'waiting',
        pill: 'live',
      });
      await page.screenshot({ path: join(artefacts, 'demo-question-agree.png'), fullPage: true });

      // Two other writers (`fipc emit`, one process each) both write seq 1: the feed keys on the SSE id.
      for (const text of ['first note', 'second note']) {
        await runTs(fipc, [
          'emit',
          join(runsDir, id, 'events.jsonl'),
          'note',
          '--data',
          JSON.stringify({ text }),
        ]);
      }
      await page.locator('#feed li[data-type="note"]', { hasText: 'second note' }).waitFor();

      await question.getByLabel('Approve').check();
      await question.getByLabel('Comment (optional)').fill('Looks good');
      await question.getByRole('button', { name: 'Send answer' }).click();
      await page.locator('#connection[data-state="finished"]').waitFor({ timeout: 60_000 });
      await page.locator('#state dd[data-field="status"]', { hasText: 'completed' }).waitFor();
      await page.locator('#feed li[data-type="completed"]').waitFor();
      expect(await shown(page)).toMatchObject({ bar: '100%', list: '100%', listStatus: 'completed' });

      const feed = await page
        .locator('#feed li')
        .evaluateAll((items) =>
          items.map((item) => ({ type: item.getAttribute('data-type'), id: item.getAttribute('data-id')! })),
        );
      // Every record exactly once and in log order, across the restart: SSE ids are `<epoch>-<byte offset>`.
      const offsets = feed.map((item) => Number(item.id.split('-')[1]));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      expect(new Set(offsets).size).toBe(feed.length);
      expect(feed.filter((item) => item.type === 'note')).toHaveLength(2);
      expect(feed.at(-1)?.type).toBe('completed');
      await page.locator('#feed li[data-type="decision"]', { hasText: 'approved: Looks good' }).waitFor();
      expect(await page.getByRole('group').count()).toBe(0); // the answered form is gone
      await page.screenshot({ path: join(artefacts, 'demo-run-completed.png'), fullPage: true });

      // An unknown run says so, instead of keeping the previous run's panel under a new heading.
      await page.evaluate(() => (location.hash = 'run-doesnotexist'));
      await page.locator('#no-run', { hasText: 'There is no run run-doesnotexist' }).waitFor();
      expect(await page.locator('#run').isHidden()).toBe(true);
      expect(await page.locator('#connection').getAttribute('data-state')).toBe('idle');
      await page.screenshot({ path: join(artefacts, 'demo-unknown-run.png'), fullPage: true });

      // Delete the finished run: it leaves the list, the page and the disk.
      await page.locator(`#runs li[data-id="${id}"] button`).click();
      await page.getByRole('button', { name: 'Delete run' }).click();
      await page.locator(`#runs li[data-id="${id}"]`).waitFor({ state: 'detached' });
      await page.locator('#runs-empty').waitFor();
      expect(await page.locator('#run').isHidden()).toBe(true);
      expect(existsSync(join(runsDir, id))).toBe(false);
      await page.screenshot({ path: join(artefacts, 'demo-run-deleted.png'), fullPage: true });

      const { disagreements, checks } = await agreement(page);
      expect(checks).toBeGreaterThan(50);
      expect(disagreements).toEqual([]);
      expect(pageErrors).toEqual([]);
    },
    120_000,
  );

  it.skipIf(noBrowser)(
    'shows a worker killed with -9 as lost: pill, no form, and the answer in flight refused on the page',
    async () => {
      const { server, page, pageErrors } = await setUp({ stepMs: 100 });
      const id = await startRun(page, 'Doomed release');
      const question = page.getByRole('group', { name: 'Deploy Doomed release to production?' });
      await question.waitFor({ timeout: 30_000 });
      const { pid } = (await api(server.url, `/api/runs/${id}`)).body as { pid: number };

      // The answer is in flight when the worker dies: the server refuses it, and the page says why.
      await page.route('**/requests/*', async (route) => {
        process.kill(pid, 'SIGKILL');
        await waitFor(async () => (await api(server.url, `/api/runs/${id}`)).body.status === 'lost', {
          what: 'the run to be lost',
        });
        await route.continue();
      });
      await question.getByLabel('Approve').check();
      await question.getByRole('button', { name: 'Send answer' }).click();
      const error = page.locator('#run-error');
      await error.filter({ hasText: 'Answer not sent' }).waitFor();
      expect(await error.textContent()).toBe(
        `Answer not sent: run ${id} is lost: its worker (pid ${pid}) is gone, nobody would read the answer`,
      );
      await page.locator('#connection[data-state="lost"]').waitFor();
      expect(await page.locator('#connection').textContent()).toBe(
        `Lost: The worker (pid ${pid}) was killed by SIGKILL without a final state`,
      );
      expect(await question.isHidden()).toBe(true);
      expect(await shown(page)).toMatchObject({ panelStatus: 'lost', listStatus: 'lost', pill: 'lost' });
      expect(await page.getByRole('button', { name: 'Cancel run' }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Delete run' }).isEnabled()).toBe(true);
      await page.screenshot({ path: join(artefacts, 'demo-worker-lost.png'), fullPage: true });

      const { disagreements } = await agreement(page);
      expect(disagreements).toEqual([]);
      expect(pageErrors).toEqual([]);
    },
    60_000,
  );

  it.skipIf(noBrowser)(
    'shows the newest 50 of 120 runs, older ones on "Show more", and a linked old run with its list entry',
    async () => {
      const {
        server,
        browser,
        page,
        pageErrors,
        prepared: ids,
      } = await setUp({
        prepare: (runsDir) => writeFinishedRuns(runsDir, 120),
      });

      const count = page.locator('#runs-count');
      await count.filter({ hasText: '50 of 120 runs' }).waitFor();
      expect(await page.locator('#runs li').first().textContent()).toBe('Release 1.119.0 · completed · 100%');
      await page.getByRole('button', { name: 'Show more' }).click();
      await count.filter({ hasText: '100 of 120 runs' }).waitFor();
      await page.getByRole('button', { name: 'Show more' }).click();
      await count.filter({ hasText: '120 of 120 runs' }).waitFor();
      expect(await page.getByRole('button', { name: 'Show more' }).isHidden()).toBe(true);
      expect(await page.locator('#runs li').evaluateAll((items) => items.map((li) => li.dataset.id))).toEqual(
        [...ids].reverse(),
      );

      // A link to a run older than the first page: fetched by its id, shown, and listed after the page.
      const linked = await browser.context.newPage();
      linked.on('pageerror', (error) => pageErrors.push(error));
      await watchAgreement(linked);
      await linked.goto(`${server.url}#${ids[0]}`);
      await linked.locator('#run-title', { hasText: 'Release 1.0.0' }).waitFor();
      await linked.locator('#connection[data-state="finished"]').waitFor();
      expect(await linked.locator('#runs li').count()).toBe(51);
      expect(await shown(linked)).toMatchObject({ panel: '100%', list: '100%', listStatus: 'completed' });
      expect(await linked.locator('#runs-count').textContent()).toBe('51 of 120 runs');

      expect((await agreement(page)).disagreements).toEqual([]);
      expect((await agreement(linked)).disagreements).toEqual([]);
      expect(pageErrors).toEqual([]);
    },
    60_000,
  );
});
