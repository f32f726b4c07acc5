import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser, noBrowser, openBrowser } from './browser.js';
import { newLog, requests, startServer } from './client-helpers.js';

// The page: subscribes with the contract and a token from its query string, and keeps what it saw.
const page = `
  import { subscribe } from '@fipc/sse/client';
  import { contract } from './fixtures/contract.js';
  const token = new URLSearchParams(location.search).get('token');
  const state = (globalThis.state = { received: [], retries: 0, done: false, error: null });
  try {
    for await (const record of subscribe('/events', {
      headers: token ? { Authorization: 'Bearer ' + token } : {},
      events: contract.events,
      onRetry: () => state.retries++,
    }))
      state.received.push(record.event_type === 'progress' ? record.data.percent : record.data.outcome);
  } catch (error) {
    state.error = error.code + ' ' + error.status;
  }
  state.done = true;
`;

interface PageState {
  received: unknown[];
  retries: number;
  done: boolean;
  error: string | null;
}

describe.skipIf(noBrowser)(
  'subscribe in headless Chromium, against the real server in a child process',
  () => {
    it('sends the token, resumes exactly once after kill -9 and a restart, stops on 204; refused without the token', async () => {
      const files = tempDir();
      const { code } = await bundleForBrowser(page);
      writeFileSync(join(files, 'page.js'), code);
      writeFileSync(
        join(files, 'index.html'),
        '<!doctype html><script type="module" src="/page.js"></script>',
      );
      const { path, log } = newLog();
      for (const percent of [10, 20, 30]) await log.emit('progress', { data: { percent } });
      let server = await startServer(path, 0, files);
      const first = server;
      const browser = await openBrowser();
      try {
        const tab = await browser.context.newPage();
        const state = () => tab.evaluate(() => (globalThis as unknown as { state: PageState }).state);
        await tab.goto(`http://127.0.0.1:${server.port}/index.html?token=s3cret`);
        await tab.waitForFunction(
          () => (globalThis as unknown as { state?: PageState }).state?.received.length === 3,
        );
        await first.child.kill9();
        await log.emit('progress', { data: { percent: 40 } });
        await tab.waitForFunction(() => (globalThis as unknown as { state: PageState }).state.retries >= 1);
        server = await startServer(path, server.port, files);
        await log.emit('progress', { data: { percent: 50 } });
        await log.emit('completed');
        await tab.waitForFunction(() => (globalThis as unknown as { state: PageState }).state.done);
        expect(await state()).toMatchObject({ received: [10, 20, 30, 40, 50, 'done'], error: null });
        expect(await requests(first)).toEqual(['-']);
        const [resumed, afterTerminal] = await requests(server);
        expect(await requests(server)).toHaveLength(2); // the one resume, then the reconnection that got 204
        expect(resumed).toMatch(/^[0-9a-f]{12}-\d+$/);
        expect(afterTerminal).not.toBe(resumed);

        const refused = await browser.context.newPage();
        await refused.goto(`http://127.0.0.1:${server.port}/index.html`);
        await refused.waitForFunction(() => (globalThis as unknown as { state?: PageState }).state?.done);
        expect(
          await refused.evaluate(() => (globalThis as unknown as { state: PageState }).state),
        ).toMatchObject({
          received: [],
          error: 'HTTP_ERROR 401',
        });
      } finally {
        await browser.close();
      }
    });
  },
);
