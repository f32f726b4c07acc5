import type { ServerResponse } from 'node:http';
import { SSE_HEADERS } from '@fipc/sse';
import type { RunStore } from './runs.js';

/** A client this far behind is disconnected: it reconnects and starts again from a fresh list. */
const MAX_BUFFER_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/**
 * Streams the runs as Server-Sent Events: `runs` (every run, on connect and reconnect), then `run` (one run's new
 * view, whenever its `state.json` lands or its worker's liveness changes) and `deleted` (`{ id }`). The page draws
 * its list, state panel, progress bar and question form from these views only, so they always agree.
 */
export function streamRuns(runs: RunStore, res: ServerResponse): void {
  res.writeHead(200, SSE_HEADERS);
  const send = (event: string, data: unknown) => {
    if (res.writableLength > MAX_BUFFER_BYTES) return void res.destroy();
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  res.write('retry: 1000\n\n');
  send('runs', { runs: runs.list() });
  const stop = runs.subscribe((change) =>
    change.type === 'run' ? send('run', change.view) : send('deleted', { id: change.id }),
  );
  const heartbeat = setInterval(() => res.write(':\n\n'), HEARTBEAT_MS);
  res.once('close', () => {
    stop();
    clearInterval(heartbeat);
  });
}
