import { isLoopback, requiredToken } from '@fipc/demo-server';
import { describe, expect, it } from 'vitest';
import { call, demoServer, waitForQuestion, waitForRun } from './helpers.js';

const errorOf = (reply: { body: unknown }) => (reply.body as { error: string }).error;

/** Reads an SSE response to its end (the stream closes after the run's terminal record). */
async function readStream(server: { port: number }, id: string, lastEventId?: string) {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/runs/${id}/events`, {
    headers: lastEventId ? { 'last-event-id': lastEventId } : {},
  });
  const text = await res.text();
  const events = text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => {
      const field = (name: string) => block.match(new RegExp(`^${name}: ?(.*)$`, 'm'))?.[1];
      return { id: field('id')!, type: field('event')!, record: JSON.parse(field('data')!) };
    });
  return { res, events };
}

describe('demo-server API', () => {
  it('runs a job end to end: create, list, question, answer, events, completion', async () => {
    const server = await demoServer();
    const created = await call(server, 'POST', '/api/runs', { body: { title: 'Release 2.0' } });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };
    expect(created.headers.location).toBe(`/api/runs/${id}`);
    expect(
      ((await call(server, 'GET', '/api/runs')).body as { runs: { id: string }[] }).runs.map((r) => r.id),
    ).toEqual([id]);

    const question = await waitForQuestion(server, id);
    expect(question.question).toBe('Deploy Release 2.0 to production?');
    // The worker writes the question file, then the state that says it waits for it.
    expect(await waitForRun(server, id, (run) => run.status === 'waiting')).toMatchObject({
      status: 'waiting',
      request_id: question.id,
    });

    const answered = await call(server, 'POST', `/api/runs/${id}/requests/${question.id}`, {
      body: { approved: true, comment: 'go' },
    });
    expect(answered.status).toBe(200);
    const again = await call(server, 'POST', `/api/runs/${id}/requests/${question.id}`, {
      body: { approved: false },
    });
    expect(again.status).toBe(409);
    expect(errorOf(again)).toMatch(/already answered/);

    const done = await waitForRun(server, id, (run) => run.status === 'completed');
    expect(done).toMatchObject({ percent: 100, title: 'Release 2.0' });

    const all = await readStream(server, id);
    expect(all.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(all.events.map((e) => e.type).at(-1)).toBe('completed');
    expect(all.events.map((e) => e.record.seq)).toEqual(all.events.map((_, index) => index + 1));
    // Resuming from the 5th event's id sends exactly the events after it.
    const resumed = await readStream(server, id, all.events[4]!.id);
    expect(resumed.events.map((e) => e.record)).toEqual(all.events.slice(5).map((e) => e.record));
    // After the terminal event, a client that reconnects with the last id is told to stop (204).
    expect((await readStream(server, id, all.events.at(-1)!.id)).res.status).toBe(204);
  });

  it('cancels a run: SIGTERM to its worker, which ends with a cancelled state; a second cancel is a 409', async () => {
    const server = await demoServer({ stepMs: 300 });
    const { id } = (await call(server, 'POST', '/api/runs')).body as { id: string };
    await waitForRun(server, id, (run) => run.status === 'running');
    expect((await call(server, 'POST', `/api/runs/${id}/cancel`)).status).toBe(202);
    await waitForRun(server, id, (run) => run.status === 'cancelled');
    const again = await call(server, 'POST', `/api/runs/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(errorOf(again)).toContain('is cancelled');
  });

  it('cancelling a run that waits for its answer cancels the question: a late answer gets 410', async () => {
    const server = await demoServer();
    const { id } = (await call(server, 'POST', '/api/runs')).body as { id: string };
    const question = await waitForQuestion(server, id);
    expect((await call(server, 'POST', `/api/runs/${id}/cancel`)).status).toBe(202);
    await waitForRun(server, id, (run) => run.status === 'cancelled');
    const late = await call(server, 'POST', `/api/runs/${id}/requests/${question.id}`, {
      body: { approved: true },
    });
    expect([late.status, errorOf(late)]).toEqual([410, `request ${question.id} was cancelled`]);
    expect(
      ((await call(server, 'GET', `/api/runs/${id}/requests`)).body as { requests: [] }).requests,
    ).toEqual([]);
  });

  it('finds its runs again after a restart, and an answer given to the new server reaches the waiting worker', async () => {
    const first = await demoServer();
    const { id } = (await call(first, 'POST', '/api/runs')).body as { id: string };
    await waitForQuestion(first, id);
    await first.close();

    const second = await demoServer({ runsDir: first.runsDir });
    const { runs } = (await call(second, 'GET', '/api/runs')).body as { runs: { id: string }[] };
    expect(runs.map((run) => run.id)).toEqual([id]);
    await waitForRun(second, id, (run) => run.status === 'waiting');
    const question = await waitForQuestion(second, id);
    const answered = await call(second, 'POST', `/api/runs/${id}/requests/${question.id}`, {
      body: { approved: true },
    });
    expect(answered.status).toBe(200);
    await waitForRun(second, id, (run) => run.status === 'completed');
  });

  it('shows a run whose worker died without a word as lost, and refuses to cancel it', async () => {
    const server = await demoServer({ stepMs: 300 });
    const { id } = (await call(server, 'POST', '/api/runs')).body as { id: string };
    const run = await waitForRun(server, id, (view) => view.status === 'running');
    process.kill(run.pid as number, 'SIGKILL');
    await waitForRun(server, id, (view) => view.status === 'lost');
    const cancel = await call(server, 'POST', `/api/runs/${id}/cancel`);
    expect([cancel.status, errorOf(cancel)]).toEqual([
      409,
      `run ${id} is lost: there is no worker to cancel`,
    ]);
  });

  it('answers bad input with a 4xx and a message that says what is wrong', async () => {
    const server = await demoServer();
    const cases: [method: string, path: string, body: unknown, status: number, message: RegExp][] = [
      ['POST', '/api/runs', { title: 5 }, 400, /body\.title: .*expected string/],
      ['POST', '/api/runs', { title: '' }, 400, /body\.title: .*>=1 characters/],
      ['POST', '/api/runs', { title: 'x', extra: true }, 400, /body: .*extra/],
      ['POST', '/api/runs', '{"title":', 400, /not valid JSON/],
      ['POST', '/api/runs', { title: 'x'.repeat(20_000) }, 413, /larger than/],
      ['GET', '/api/runs/..%2F..%2Fetc', undefined, 400, /run id: not a run id/],
      ['GET', '/api/runs/RUN-1', undefined, 400, /run id: not a run id/],
      ['GET', '/api/runs/run-zzzzzzzz', undefined, 404, /no run "run-zzzzzzzz"/],
      ['GET', '/api/runs/run-zzzzzzzz/events', undefined, 404, /no run/],
      ['DELETE', '/api/runs', undefined, 405, /DELETE is not allowed/],
      ['GET', '/api/nothing', undefined, 404, /no route/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const reply = await call(server, method, path, { body });
      expect({ method, path, status: reply.status }).toEqual({ method, path, status });
      expect(errorOf(reply)).toMatch(message);
    }
    const form = await call(server, 'POST', '/api/runs', {
      body: 'title=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([form.status, errorOf(form)]).toEqual([
      415,
      'body must be application/json, not "application/x-www-form-urlencoded"',
    ]);
    expect((await call(server, 'DELETE', '/api/runs')).headers.allow).toBe('GET, POST');

    const { id } = (await call(server, 'POST', '/api/runs')).body as { id: string };
    const answer = (requestId: string, body: unknown) =>
      call(server, 'POST', `/api/runs/${id}/requests/${requestId}`, { body });
    for (const bad of ['.hidden', '..%2Fx', 'a%2Fb', 'x'.repeat(200)]) {
      const reply = await answer(bad, { approved: true });
      expect([bad, reply.status, errorOf(reply)]).toEqual([bad, 400, 'request id: not a request id']);
    }
    expect(errorOf(await answer('r1', { approved: 'yes' }))).toMatch(/body\.approved: .*expected boolean/);
    expect(errorOf(await answer('r1', { approved: true, comment: 'x'.repeat(501) }))).toMatch(
      /body\.comment: Too big/,
    );
    expect(errorOf(await answer('r1', {}))).toMatch(/body\.approved/);
    const unknown = await answer('r1', { approved: true });
    expect([unknown.status, errorOf(unknown)]).toEqual([404, 'no pending request "r1"']);
  });
});

describe('demo-server security', () => {
  it('refuses a foreign Host (DNS rebinding) and cross-site requests with a 403', async () => {
    const server = await demoServer();
    for (const host of ['evil.example', `evil.example:${server.port}`, 'localhost.evil.example']) {
      const reply = await call(server, 'GET', '/api/runs', { headers: { host } });
      expect([host, reply.status, errorOf(reply)]).toEqual([host, 403, `Host "${host}" is not allowed`]);
    }
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`]) {
      expect((await call(server, 'GET', '/api/runs', { headers: { host } })).status).toBe(200);
    }
    const foreign = await call(server, 'POST', '/api/runs', {
      headers: { origin: 'http://evil.example' },
      body: {},
    });
    expect([foreign.status, errorOf(foreign)]).toEqual([
      403,
      'cross-origin request from "http://evil.example" refused',
    ]);
    const otherPort = await call(server, 'GET', '/api/runs', { headers: { origin: 'http://127.0.0.1:1' } });
    expect(otherPort.status).toBe(403);
    const opaque = await call(server, 'GET', '/api/runs', { headers: { origin: 'null' } });
    expect(opaque.status).toBe(403);
    const site = await call(server, 'GET', '/api/runs', { headers: { 'sec-fetch-site': 'cross-site' } });
    expect([site.status, errorOf(site)]).toEqual([403, 'cross-site request refused']);
    const same = await call(server, 'GET', '/api/runs', {
      headers: { origin: `http://127.0.0.1:${server.port}`, 'sec-fetch-site': 'same-origin' },
    });
    expect(same.status).toBe(200);
    const runs = (await call(server, 'GET', '/api/runs')).body as { runs: unknown[] };
    expect(runs.runs).toEqual([]); // none of the refused POSTs started a run
  });

  it('requires the token when one is configured: 401 without it, the printed URL sets a cookie', async () => {
    // A non-loopback bind always has a token; the tests may only bind 127.0.0.1, so they configure the
    // token explicitly, which takes the same path (see README, Security).
    const server = await demoServer({ token: 'correct-horse' });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=correct-horse`);
    const missing = await call(server, 'GET', '/api/runs');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(errorOf(missing)).toMatch(/token is required/);
    expect((await call(server, 'GET', '/')).status).toBe(401);
    const wrong = await call(server, 'GET', '/api/runs', { headers: { authorization: 'Bearer nope' } });
    expect([wrong.status, errorOf(wrong)]).toEqual([401, 'the token is wrong']);
    const badLink = await call(server, 'GET', '/?token=nope');
    expect(badLink.status).toBe(401);
    expect(badLink.headers['set-cookie']).toBeUndefined();

    const bearer = await call(server, 'GET', '/api/runs', {
      headers: { authorization: 'Bearer correct-horse' },
    });
    expect(bearer.status).toBe(200);
    const link = await call(server, 'GET', '/?token=correct-horse');
    expect(link.status).toBe(303);
    expect(link.headers.location).toBe('/');
    const cookie = (link.headers['set-cookie'] as string[])[0]!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await call(server, 'GET', '/', { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>fipc demo</h1>');
    // Host and Origin are checked before the token: a valid token from a foreign page is still refused.
    const rebound = await call(server, 'GET', '/api/runs', {
      headers: { host: 'evil.example', authorization: 'Bearer correct-horse' },
    });
    expect(rebound.status).toBe(403);
  });

  it('generates a token for any bind that is not loopback, and keeps a given one', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]']) {
      expect([host, isLoopback(host), requiredToken(host)]).toEqual([host, true, undefined]);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '128.0.0.1']) {
      expect([host, isLoopback(host)]).toEqual([host, false]);
      expect(requiredToken(host)).toMatch(/^[\w-]{24}$/);
    }
    expect(requiredToken('0.0.0.0')).not.toBe(requiredToken('0.0.0.0'));
    expect(requiredToken('127.0.0.1', 'given-token-1')).toBe('given-token-1');
    expect(() => requiredToken('0.0.0.0', 'short')).toThrow(/12 to 256 characters/);
    expect(() => requiredToken('0.0.0.0', 'semi;colon;cookie')).toThrow(/12 to 256 characters/);
  });

  it('serves the page its records module: @fipc/sse/client and the contract, bundled for the browser', async () => {
    const server = await demoServer();
    const res = await fetch(`http://127.0.0.1:${server.port}/records.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await res.text();
    expect(code).toContain('Last-Event-ID'); // fetch-based, resuming by id
    expect(code).not.toMatch(/\bEventSource\b|\bnode:/);
    expect(code).toMatch(/export\s*\{[^}]*followRecords/);
  });
});
