import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { type DemoServer, type ServerOptions, startServer } from '@fipc/demo-server';
import { tempDir, tsNodeArgs, waitFor } from '@fipc/test-utils';
import { onTestFinished } from 'vitest';

const workerMain = createRequire(import.meta.url).resolve('@fipc/demo-worker/main');

/** The worker command the tests use: the real worker, at a quick pace. */
export const workerCommand = (stepMs: number) => [
  process.execPath,
  ...tsNodeArgs,
  workerMain,
  '--step-ms',
  String(stepMs),
];

/** A demo server on 127.0.0.1, closed (and its workers stopped) when the test finishes. */
export async function demoServer(options: Partial<ServerOptions> & { stepMs?: number } = {}) {
  const { stepMs = 30, ...rest } = options;
  const server = await startServer({
    runsDir: tempDir('fipc-demo-runs-'),
    workerCommand: workerCommand(stepMs),
    ...rest,
  });
  onTestFinished(async () => {
    await server.close();
    await stopWorkers(server.runsDir);
  });
  return server;
}

/**
 * Ends every worker still running in `runsDir` (workers are detached: they outlive servers, and tests), found by
 * their command line, waits for them to exit, then removes the directory.
 */
export async function stopWorkers(runsDir: string) {
  const ours = () =>
    readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`--dir=${runsDir}/`);
        } catch {
          return false; // exited meanwhile
        }
      })
      .map(Number);
  for (const pid of ours()) process.kill(pid, 'SIGTERM');
  await waitFor(() => ours().length === 0, { timeoutMs: 20_000, intervalMs: 50, what: 'workers to exit' });
  rmSync(runsDir, { recursive: true, force: true });
}

const auth = (server: DemoServer): Record<string, string> =>
  server.token ? { authorization: `Bearer ${server.token}` } : {};

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

/**
 * One HTTP request with full control of the headers (fetch would not let a test forge `Host`).
 * A JSON body is sent as `application/json` unless a content type is given.
 */
export function call(
  server: DemoServer,
  method: string,
  path: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path,
        headers: {
          host: `127.0.0.1:${server.port}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Polls the run until `test` accepts it. */
export async function waitForRun(
  server: DemoServer,
  id: string,
  test: (run: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  const run = await waitFor(
    async () => {
      const { body } = await call(server, 'GET', `/api/runs/${id}`, { headers: auth(server) });
      return test(body as Record<string, unknown>) ? (body as Record<string, unknown>) : false;
    },
    { timeoutMs: 30_000, intervalMs: 50, what: `run ${id}` },
  );
  return run as Record<string, unknown>;
}

/** Polls the run's pending requests until there is one, and returns it. */
export async function waitForQuestion(server: DemoServer, id: string) {
  const question = await waitFor(
    async () => {
      const { body } = await call(server, 'GET', `/api/runs/${id}/requests`, { headers: auth(server) });
      return (body as { requests: { id: string; question: string }[] }).requests[0] ?? false;
    },
    { timeoutMs: 30_000, intervalMs: 50, what: `a question from run ${id}` },
  );
  return question as { id: string; question: string };
}

/** Follows `GET /api/runs/live` and collects its events. */
export async function followLive(server: { port: number }, query = '') {
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${server.port}/api/runs/live${query}`, {
    signal: controller.signal,
  });
  const events: { type: string; data: Record<string, unknown> }[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
      const blocks = text.split('\n\n');
      text = blocks.pop()!;
      for (const block of blocks) {
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type && data) events.push({ type, data: JSON.parse(data) });
      }
    }
  })().catch(() => {});
  return { res, events, close: () => controller.abort() };
}
