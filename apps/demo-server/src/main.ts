// `pnpm demo`: starts the demo server and prints its URL. Flags override the environment variables.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { requiredToken, startServer } from './server.js';

const USAGE = `usage: pnpm demo [--host H] [--port N] [--runs-dir DIR] [--token T] [--step-ms MS]

  --host H        interface to bind (env DEMO_HOST; default 127.0.0.1); not loopback requires a token
  --port N        port (env PORT, then DEMO_PORT; default 4321, or a free one if it is busy); 0: any free port
  --runs-dir DIR  one sub-directory per run (env DEMO_RUNS_DIR; default apps/demo-server/runs)
  --token T       required from every client (env DEMO_TOKEN; default none on loopback, generated otherwise)
  --step-ms MS    pace of the workers' simulated steps (env DEMO_STEP_MS; default 600)
  -h, --help      print this and exit`;

function fail(message: string, code = 2): never {
  console.error(`demo-server: ${message}`);
  if (code === 2) console.error(USAGE);
  process.exit(code);
}

const env = process.env;
let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      host: { type: 'string', default: env.DEMO_HOST ?? '127.0.0.1' },
      // PORT is what hosting platforms and most tools set; DEMO_PORT is this demo's own.
      port: { type: 'string', default: env.PORT || env.DEMO_PORT || undefined },
      'runs-dir': { type: 'string', default: env.DEMO_RUNS_DIR },
      token: { type: 'string', default: env.DEMO_TOKEN },
      'step-ms': { type: 'string', default: env.DEMO_STEP_MS },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const flag = (name: string) => values[name] as string | undefined;
const host = flag('host') ?? '127.0.0.1';
const DEFAULT_PORT = 4321;
const port = Number(flag('port') ?? DEFAULT_PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`the port (--port, PORT or DEMO_PORT) must be 0 to 65535, not "${flag('port')}"`);
if (flag('step-ms') !== undefined && !(Number(flag('step-ms')) >= 0)) fail('--step-ms must be a number');
let token: string | undefined;
try {
  token = requiredToken(host, flag('token'));
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
  ...(flag('step-ms') ? [`--step-ms=${flag('step-ms')}`] : []),
];
const runsDir = resolve(flag('runs-dir') ?? join(import.meta.dirname, '..', 'runs'));
const options = { host, runsDir, workerCommand, ...(token ? { token } : {}) };

let server: Awaited<ReturnType<typeof startServer>>;
try {
  server = await startServer({ ...options, port }).catch((error: NodeJS.ErrnoException) => {
    // The default port is a convenience (a restarted server keeps its URL); any free one will do.
    if (error.code !== 'EADDRINUSE' || flag('port') !== undefined) throw error;
    console.log(`port ${DEFAULT_PORT} is busy; using a free one`);
    return startServer({ ...options, port: 0 });
  });
} catch (error) {
  fail(`cannot listen on ${host}:${port}: ${(error as Error).message}`, 1);
}
console.log(`fipc demo: runs in ${runsDir}`);
if (token && !flag('token')) console.log(`generated a token (${host} is not loopback): ${token}`);
console.log(`open ${server.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    // Workers are detached and keep going; the next start shows them again.
    await server.close();
    process.exit(0);
  });
}
