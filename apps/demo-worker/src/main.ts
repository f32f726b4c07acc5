// The worker process: `demo-worker --dir=<instance dir> [--title=<text>] [--step-ms=<ms>]`.
// The demo server spawns it; it runs just as well by hand, answered with any tool that writes files.
import { parseArgs } from 'node:util';
import { runJob } from './job.js';

// A value that starts with '-' must be written `--title=-x` (`--title -x` is refused as an ambiguous option).
const usage = 'usage: demo-worker --dir=<instance dir> [--title=<text>] [--step-ms=<ms>]';
let values: { dir?: string; title?: string; 'step-ms'?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      dir: { type: 'string' },
      title: { type: 'string' },
      'step-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const stepMs = values['step-ms'] === undefined ? undefined : Number(values['step-ms']);
if (!values.dir || (stepMs !== undefined && !(stepMs >= 0))) {
  console.error(usage);
  process.exit(2);
}

// SIGTERM (the server's cancel) and Ctrl+C both end the job cleanly: a `cancelled` event and a final state.
const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => controller.abort(new Error(`received ${signal}`)));
}
const status = await runJob({
  dir: values.dir,
  signal: controller.signal,
  ...(values.title ? { title: values.title } : {}),
  ...(stepMs === undefined ? {} : { stepMs }),
});
console.log(`demo-worker: ${status}`);
process.exitCode = status === 'failed' ? 1 : 0;
