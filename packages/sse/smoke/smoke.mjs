// Run by `pnpm smoke` against the packed @fipc/sse installed alone with npm (with the packed @fipc/events).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventLog } from '@fipc/events';
import { parseEventId, SSE_HEADERS, sseHandler, sseResponse } from '@fipc/sse';
import { subscribe } from '@fipc/sse/client';

const path = join(mkdtempSync(join(tmpdir(), 'fipc-sse-smoke-')), 'run-1', 'events.jsonl');
const log = openEventLog(path);

/** Reads SSE frames until the server closes the stream; returns the events (comments and retry skipped). */
async function readEvents(response) {
  const events = [];
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame = Object.fromEntries(
        buffer
          .slice(0, end)
          .split('\n')
          .filter((line) => line && !line.startsWith(':'))
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]),
      );
      buffer = buffer.slice(end + 2);
      if (frame.data !== undefined) events.push(frame);
    }
  }
  return events;
}

const server = createServer(sseHandler(() => path, { terminal: 'completed', heartbeatMs: 0 }));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/events`;
try {
  const streaming = fetch(url).then(async (response) => {
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/event-stream/);
    return readEvents(response);
  });
  for (const percent of [10, 50, 90]) await log.emit('progress', { data: { percent } });
  await log.emit('completed');
  const events = await streaming;
  assert.deepEqual(
    events.map((e) => [e.event, JSON.parse(e.data).data.percent]),
    [
      ['progress', 10],
      ['progress', 50],
      ['progress', 90],
      ['completed', undefined],
    ],
  );
  assert.ok(events.every((e) => parseEventId(e.id)));

  // A client that reconnects with the id it last saw gets only what came after.
  const resumed = await readEvents(await fetch(url, { headers: { 'Last-Event-ID': events[1].id } }));
  assert.deepEqual(
    resumed.map((e) => e.id),
    events.slice(2).map((e) => e.id),
  );
  // After the terminal record there is nothing more to wait for.
  assert.equal((await fetch(url, { headers: { 'Last-Event-ID': events[3].id } })).status, 204);

  // The Node-free client: the same records; after the terminal one the reconnection gets 204 and it ends.
  const viaClient = [];
  for await (const record of subscribe(url, { retryMs: 10 })) viaClient.push(record.event_type);
  assert.deepEqual(viaClient, ['progress', 'progress', 'progress', 'completed']);
} finally {
  server.close();
  server.closeAllConnections();
}

// The framework-neutral edge: a Web Request in, a Response out.
const response = sseResponse(path, new Request('http://localhost/events'), { terminal: 'completed' });
assert.equal((await readEvents(response)).length, 4);
// A path that is no regular file is refused, never followed or blocked on.
assert.equal(sseResponse(join(path, '..'), new Request('http://localhost/events')).status, 500);
assert.equal(typeof SSE_HEADERS, 'object');

await log.close();
console.log(
  `@fipc/sse: 4 events over HTTP, resumed by Last-Event-ID, 204 after the terminal event; @fipc/sse/client got them too`,
);
