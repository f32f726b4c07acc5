import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { integerArgument, logPath } from '../arguments.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { hostChecker, isLoopback, tokenChecker } from '../server/access.js';
import { viewerPage } from '../server/viewer.js';

/** `fipc serve`: an SSE server over an existing log. */
export const serve: Command = {
  name: 'serve',
  summary: 'Serve a log as Server-Sent Events, with a live page for browsers.',
  args: ['<log-or-dir>'],
  description: [
    'Streams the records of <log-or-dir> (a log file, or an instance directory meaning its events.jsonl)',
    'as Server-Sent Events at /events (event: the event type, data: the record, id: its resume point; a',
    'client that reconnects with Last-Event-ID gets exactly the records it missed), and a page at / that',
    'shows them live. Prints the URLs on stdout, then runs until SIGINT or SIGTERM (exit 0).',
    '',
    'Security: binds 127.0.0.1 unless --host says otherwise, and refuses requests whose Host header names',
    'another machine (DNS rebinding). Any other host needs a token (--token or the FIPC_TOKEN variable,',
    'which keeps it out of the process list); clients send it as "Authorization: Bearer <token>" or as',
    '?token=<token> in the URL.',
  ].join('\n'),
  options: {
    port: { type: 'string', value: 'N', description: 'TCP port; 0 picks a free one (default: 0)' },
    host: { type: 'string', value: 'H', description: 'address to listen on (default: 127.0.0.1)' },
    token: {
      type: 'string',
      value: 'T',
      description: 'require this token (default: $FIPC_TOKEN; required off loopback)',
    },
    'allow-host': {
      type: 'string',
      multiple: true,
      value: 'NAME',
      description: 'also accept this Host header name (repeatable), e.g. the name a proxy forwards',
    },
    type: {
      type: 'string',
      multiple: true,
      value: 'T',
      description: 'only records of this event type (repeatable)',
    },
    terminal: {
      type: 'string',
      multiple: true,
      value: 'T',
      description: 'records of this type end the stream; reconnecting clients then get 204 (repeatable)',
    },
  },
  examples: [
    'fipc serve run/events.jsonl --port 8080',
    'FIPC_TOKEN=s3cret fipc serve run --host 0.0.0.0 --port 8080 --terminal completed --terminal failed',
  ],
  async run({ positionals: [given], values }, context) {
    const path = resolve(logPath(given!));
    if (!existsSync(path)) throw new CliError('NOT_FOUND', `no such log: ${path}`);
    const port = values.port === undefined ? 0 : integerArgument(values.port as string, '--port', 65_535);
    const host = (values.host as string | undefined) ?? '127.0.0.1';
    const token = (values.token as string | undefined) ?? (context.env.FIPC_TOKEN || undefined);
    if (token !== undefined && token.length < 8)
      throw new CliError('USAGE', 'the token must have at least 8 characters');
    if (!isLoopback(host) && token === undefined) {
      throw new CliError(
        'USAGE',
        `serving on ${host} reaches other machines: give a --token (or set FIPC_TOKEN)`,
      );
    }
    const hostAllowed = hostChecker(host, (values['allow-host'] as string[] | undefined) ?? []);
    const tokenAllowed = tokenChecker(token);
    const stop = context.signal;
    const { sseHandler } = await import('@fipc/sse');
    const stream = sseHandler(() => path, {
      filter: values.type as string[] | undefined,
      terminal: values.terminal as string[] | undefined,
      signal: stop,
      onSkip: ({ offset = 0, length = 0, reason }) =>
        context.warn(`${path}: skipped ${length} bytes at offset ${offset}: ${reason}`),
    });
    const page = viewerPage(path);

    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const refuse = (status: number, text: string, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(`${text}\n`);
      if (!hostAllowed(req.headers.host)) return refuse(403, 'forbidden: unexpected Host header');
      if (req.method !== 'GET') return refuse(405, 'method not allowed', { Allow: 'GET' });
      if (!tokenAllowed(req, url))
        return refuse(401, 'a valid token is required', { 'WWW-Authenticate': 'Bearer' });
      if (url.pathname === '/events') return void stream(req, res);
      if (url.pathname === '/') {
        return res
          .writeHead(200, {
            'Content-Type': 'text/html; charset=utf-8',
            'Cache-Control': 'no-store',
            'Content-Security-Policy':
              "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
            'X-Content-Type-Options': 'nosniff',
            'Referrer-Policy': 'no-referrer',
          })
          .end(page);
      }
      refuse(404, 'not found: the stream is at /events');
    });
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolveListen();
      });
    });
    const address = server.address();
    const bound = typeof address === 'object' && address ? address : { address: host, port };
    const shown = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
    await context.out(`Serving ${path}`);
    await context.out(`  events: http://${shown}:${bound.port}/events`);
    await context.out(`  viewer: http://${shown}:${bound.port}/`);
    await new Promise((done) => {
      if (stop.aborted) return done(undefined);
      stop.addEventListener('abort', done, { once: true });
    });
    await new Promise((closed) => {
      server.close(closed);
      server.closeAllConnections();
    });
    return 0;
  },
};
