// `pnpm demo`: starts the demo server and prints its URL. Flags override the DEMO_* environment variables.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startServer } from './server.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: process.env.DEMO_HOST ?? '127.0.0.1' },
    port: { type: 'string', default: process.env.DEMO_PORT },
    'runs-dir': { type: 'string', default: process.env.DEMO_RUNS_DIR },
    token: { type: 'string', default: process.env.DEMO_TOKEN },
    'step-ms': { type: 'string', default: process.env.DEMO_STEP_MS },
  },
});
const DEFAULT_PORT = 4321;
const port = Number(values.port ?? DEFAULT_PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad port ${values.port}`);

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
const options = {
  host: values.host,
  runsDir,
  workerCommand,
  ...(values.token ? { token: values.token } : {}),
};

let server: Awaited<ReturnType<typeof startServer>>;
try {
  server = await startServer({ ...options, port });
} catch (error) {
  // The default port is a convenience (a restarted server keeps its URL); any free one will do.
  if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || values.port !== undefined) throw error;
  console.log(`port ${DEFAULT_PORT} is busy; using a free one`);
  server = await startServer({ ...options, port: 0 });
}
console.log(`fipc demo: runs in ${runsDir}`);
if (server.token && !values.token) console.log(`generated token (non-loopback bind): ${server.token}`);
console.log(`open ${server.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    // Workers are detached and keep going; the next start shows them again.
    await server.close();
    process.exit(0);
  });
}
