#!/usr/bin/env node
import { runCli } from './cli.js';
import { ExitCode } from './exit-codes.js';

// The first SIGINT/SIGTERM asks the running command to finish cleanly; a second one exits at once.
const stop = new AbortController();
const onSignal = () => {
  if (stop.signal.aborted) process.exit(ExitCode.INTERRUPTED);
  stop.abort();
};
process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
const status = await runCli(process.argv.slice(2), { signal: stop.signal });
process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
process.exitCode = status;
// Everything is closed by now; should a library leave a handle open, do not hang the shell over it.
setTimeout(() => process.exit(status), 1000).unref();
