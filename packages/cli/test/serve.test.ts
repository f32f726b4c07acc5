import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, waitFor } from '@fipc/test-utils';
import { noBrowser, openBrowser } from '@fipc/test-utils/browser';
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { Shell, sh } from './helpers/shell.js';

const original = fileURLToPath(new URL('fixtures/original.py', import.meta.url));
const running: Array<{ close(): void } | Shell> = [];
afterEach(async () => {
  for (const item of running.splice(0)) {
    if (item instanceof Shell) {
      item.process.kill('SIGKILL');
      await item.done;
    } else item.close();
  }
});

async function serve(args: string, env: NodeJS.ProcessEnv = {}) {
  const shell = new Shell(`exec fipc serve ${args}`, { env });
  running.push(shell);
  const line = await waitFor(() => shell.lines.find((l) => l.startsWith('  events: ')), {
    timeoutMs: 120_000,
    what: `the URL (stderr: ${shell.stderr})`,
  });
  const events = line!.slice('  events: '.length);
  return { shell, events, base: events.slice(0, -'/events'.length) };
}

interface Received {
  type: string;
  id: string;
  record: { event_type: string; data: Record<string, unknown> };
}

/** An `eventsource` client that records every event of the given types. */
function listen(url: string, types: string[], headers: Record<string, string> = {}) {
  const source = new EventSource(url, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers } }),
  });
  running.push(source);
  const received: Received[] = [];
  const errors: Array<{ code?: number }> = [];
  for (const type of types) {
    source.addEventListener(type, (event) =>
      received.push({ type: event.type, id: event.lastEventId, record: JSON.parse(event.data) }),
    );
  }
  source.addEventListener('error', (event) => errors.push(event as { code?: number }));
  return { source, received, errors };
}

function status(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers }, (response) => {
      resolve(response.statusCode!);
      response.destroy();
    });
    request.on('error', reject);
  });
}

// Each step starts a real `fipc` process; on a loaded shared machine that alone can take seconds.
describe('fipc serve', { timeout: 300_000 }, () => {
  it('streams records written by the Python original and by fipc emit to an SSE client, and resumes by id', async () => {
    const dir = join(tempDir(), 'job');
    await sh(`python3 ${original} ${dir} events 2`);
    const { events, shell } = await serve(`${dir} --port 0`);
    expect(events).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/events$/);
    const types = ['started', 'progress', 'completed', 'note'];
    const first = listen(events, types);
    await waitFor(() => first.received.length === 4, { timeoutMs: 120_000, what: 'the existing records' });
    await sh(`fipc emit ${dir} note --data '{"line":"a\\r\\nb"}'`);
    await waitFor(() => first.received.length === 5, { timeoutMs: 120_000, what: 'the live record' });
    expect(first.received.map((r) => r.type)).toEqual([
      'started',
      'progress',
      'progress',
      'completed',
      'note',
    ]);
    expect(first.received.every((r) => r.type === r.record.event_type && r.id !== '')).toBe(true);
    expect(first.received[2]!.record.data).toEqual({ percent: 1, note: 'naïve ✓' });
    expect(first.received[4]!.record.data).toEqual({ line: 'a\r\nb' });
    first.source.close();

    // A client that comes back with the last id it saw gets exactly what it missed.
    const lastId = first.received.at(-1)!.id;
    await sh(`fipc emit ${dir} note --data '{"n":1}' && python3 ${original} ${dir} events 0`);
    const resumed = listen(events, types, { 'Last-Event-ID': lastId });
    await waitFor(() => resumed.received.length === 3, { timeoutMs: 120_000, what: 'the missed records' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(resumed.received.map((r) => [r.type, r.record.data.n])).toEqual([
      ['note', 1],
      ['started', undefined],
      ['completed', undefined],
    ]);
    expect(shell.stderr).toBe('');
  });

  it('ends the stream at a terminal record; a client that reconnects gets 204 and stops', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.jsonl'), '');
    const { events } = await serve(`${dir}/events.jsonl --terminal completed --type progress`);
    const client = listen(events, ['progress', 'completed', 'other']);
    await sh(
      `fipc emit ${dir} other && fipc emit ${dir} progress --data '{"percent":100}' && fipc emit ${dir} completed`,
    );
    await waitFor(() => client.source.readyState === EventSource.CLOSED, {
      timeoutMs: 120_000,
      what: 'the client to stop reconnecting',
    });
    expect(client.received.map((r) => r.type)).toEqual(['progress', 'completed']);
    expect(client.errors.some((error) => error.code === 204)).toBe(true);
  });

  it('checks the Host header and the token, and serves the viewer page and nothing else', async () => {
    const dir = tempDir();
    await sh(`fipc emit ${dir} hello`);
    const token = 'correct-horse-battery';
    const { events, base } = await serve(`${dir}`, { FIPC_TOKEN: token });
    expect(await status(events)).toBe(401);
    expect(await status(`${events}?token=wrong-token-123`)).toBe(401);
    expect(await status(events, { Authorization: 'Bearer nope-nope-nope' })).toBe(401);
    // DNS rebinding: a page from another site reaching 127.0.0.1 under its own name.
    expect(await status(`${events}?token=${token}`, { Host: 'evil.example' })).toBe(403);
    expect(await status(`${base}/?token=${token}`)).toBe(200);
    expect(await status(`${base}/elsewhere?token=${token}`)).toBe(404);

    const page = await fetch(`${base}/?token=${token}`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain(`<b>${dir}/events.jsonl</b>`);
    const post = await fetch(events, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(post.status).toBe(405);

    const byQuery = listen(`${events}?token=${token}`, ['hello']);
    const byHeader = listen(events, ['hello'], { Authorization: `Bearer ${token}` });
    await waitFor(() => byQuery.received.length === 1 && byHeader.received.length === 1, {
      timeoutMs: 120_000,
      what: 'both authorised clients',
    });
    const localhost = events.replace('127.0.0.1', 'localhost');
    expect(await status(`${localhost}?token=${token}`)).toBe(200);
  });

  it('refuses to serve off loopback without a token, a missing log, a short token and a taken port', async () => {
    const dir = tempDir();
    await sh(`fipc emit ${dir} hello`);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    running.push(blocker);
    const taken = (blocker.address() as { port: number }).port;
    const { stdout, stderr } = await sh(
      [
        `fipc serve ${dir} --host 0.0.0.0; echo "offLoopback=$?"`,
        `fipc serve ${dir}/missing.jsonl; echo "missing=$?"`,
        `fipc serve ${dir} --token short; echo "short=$?"`,
        `fipc serve ${dir} --port ${taken}; echo "taken=$?"`,
        `fipc serve ${dir} --port 70000; echo "port=$?"`,
      ].join('\n'),
    );
    expect(stdout).toBe('offLoopback=2\nmissing=3\nshort=2\ntaken=1\nport=2\n');
    expect(stderr).toMatch(/give a --token/);
    expect(stderr).toMatch(/address already in use: 127\.0\.0\.1:\d+/);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('stops cleanly on SIGTERM with a client connected', async () => {
    const dir = tempDir();
    await sh(`fipc emit ${dir} hello`);
    const { shell, events } = await serve(dir);
    const client = listen(events, ['hello']);
    await waitFor(() => client.received.length === 1, { timeoutMs: 120_000, what: 'the record' });
    shell.process.kill('SIGTERM');
    const { code, stderr } = await shell.done;
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  if (noBrowser) console.log(`viewer page test: ${noBrowser}`);
  it.skipIf(noBrowser)('shows the records live in a real browser', async () => {
    const dir = tempDir();
    await sh(`python3 ${original} ${dir} events 1`);
    const { base } = await serve(dir);
    const browser = await openBrowser();
    onTestFinished(() => browser.close());
    const page = await browser.context.newPage();
    await page.goto(`${base}/`);
    const rows = page.locator('tr:has(td.e)');
    await rows.nth(2).waitFor({ timeout: 60_000 }); // the three records written before the page opened
    await sh(`fipc emit ${dir} live --phase deploy --data '{"x":"<b>not html</b>"}'`);
    await rows.nth(3).waitFor({ timeout: 60_000 }); // and one written while it is open
    const cells = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td.e, td.p, td.d')].map((td) => td.innerHTML)),
    );
    expect(cells.map(([type, phase]) => [type, phase])).toEqual([
      ['started', '-'],
      ['progress', 'build'],
      ['completed', 'build'],
      ['live', 'deploy'],
    ]);
    expect(cells[3]![2]).toBe('{"x":"&lt;b&gt;not html&lt;/b&gt;"}');
  });
});
