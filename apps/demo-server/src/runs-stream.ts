import type { ServerResponse } from 'node:http';
import { SSE_HEADERS } from '@fipc/sse';
import type { RunStore } from './runs.js';

/** A client this far behind is disconnected: it reconnects and starts again from a fresh page. */
const MAX_BUFFER_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/**
 * Streams the runs as Server-Sent Events: `runs` (the newest `limit` runs as a page, `{ runs, total, next }`, on
 * every connect), then `run` (one run's new view, whenever its `state.json` lands or its worker's liveness
 * changes, whichever page it is on), `deleted` (`{ id }`) and `total` (`{ total }`, when the count changed). The
 * page draws its list, state panel, progress bar and question form from these views only, so they always agree.
 */
export function streamRuns(runs: RunStore, res: ServerResponse, limit: number): void {
  res.writeHead(200, SSE_HEADERS);
  const send = (event: string, data: unknown) => {
    if (res.writableLength > MAX_BUFFER_BYTES) return void res.destroy();
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  res.write('retry: 1000\n\n');
  const first = runs.page(limit);
  send('runs', first);
  let total = first.total;
  const stop = runs.subscribe((change) => {
    if (change.type === 'run') send('run', change.view);
    else send('deleted', { id: change.id });
    if (runs.total === total) return;
    total = runs.total;
    send('total', { total });
  });
  const heartbeat = setInterval(() => res.write(':\n\n'), HEARTBEAT_MS);
  res.once('close', () => {
    stop();
    clearInterval(heartbeat);
  });
}
