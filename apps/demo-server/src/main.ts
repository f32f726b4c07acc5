// `pnpm demo`: starts the demo server and prints its URL. Flags override the DEMO_* environment variables.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { requiredToken, startServer } from './server.js';

function fail(message: string, code = 2): never {
  console.error(`demo-server: ${message}`);
  if (code === 2) {
    console.error('usage: pnpm demo [--host H] [--port N] [--runs-dir DIR] [--token T] [--step-ms MS]');
  }
  process.exit(code);
}

let values: Record<string, string | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      host: { type: 'string', default: process.env.DEMO_HOST ?? '127.0.0.1' },
      port: { type: 'string', default: process.env.DEMO_PORT },
      'runs-dir': { type: 'string', default: process.env.DEMO_RUNS_DIR },
      token: { type: 'string', default: process.env.DEMO_TOKEN },
      'step-ms': { type: 'string', default: process.env.DEMO_STEP_MS },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
const host = values.host ?? '127.0.0.1';
const DEFAULT_PORT = 4321;
const port = Number(values.port ?? DEFAULT_PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be 0 to 65535, not ${values.port}`);
if (values['step-ms'] !== undefined && !(Number(values['step-ms']) >= 0)) fail('--step-ms must be a number');
let token: string | undefined;
try {
  token = requiredToken(host, values.token);
} catch (error) {
  fail((error as Error).message);
}

// Workers run like this server does: TypeScript through tsx, workspace packages from their sources.
const require = createRequire(import.meta.url);
const workerCommand = [
  process.execPath,
  '--import',
  pathToFileURL(require.resolve('tsx')).href,
  '--conditions=@fipc/source',
  require.resolve('@fipc/demo-worker/main'),
  ...(values['step-ms'] ? ['--step-ms', values['step-ms']] : []),
];
const runsDir = resolve(values['runs-dir'] ?? join(import.meta.dirname, '..', 'runs'));
const options = { host, runsDir, workerCommand, ...(token ? { token } : {}) };

let server: Awaited<ReturnType<typeof startServer>>;
try {
  server = await startServer({ ...options, port }).catch((error: NodeJS.ErrnoException) => {
    // The default port is a convenience (a restarted server keeps its URL); any free one will do.
    if (error.code !== 'EADDRINUSE' || values.port !== undefined) throw error;
    console.log(`port ${DEFAULT_PORT} is busy; using a free one`);
    return startServer({ ...options, port: 0 });
  });
} catch (error) {
  fail(`cannot listen on ${host}:${port}: ${(error as Error).message}`, 1);
}
console.log(`fipc demo: runs in ${runsDir}`);
if (token && !values.token) console.log(`generated a token (${host} is not loopback): ${token}`);
console.log(`open ${server.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    // Workers are detached and keep going; the next start shows them again.
    await server.close();
    process.exit(0);
  });
}
