import { join } from 'node:path';
import { openEventLog } from '@fipc/events';
import { type Child, spawnTs, tempDir } from '@fipc/test-utils';
import { onTestFinished } from 'vitest';

const fixture = join(import.meta.dirname, 'fixtures', 'client-server.ts');

/** The client-server fixture in a child process, killed when the test ends. */
export async function startServer(log: string, port = 0, files = '') {
  const child = spawnTs(fixture, [log, String(port), files]);
  onTestFinished(() => {
    child.process.kill('SIGKILL');
  });
  const ready = await child.waitForLine((line) => line.startsWith('ready '));
  return { child, port: Number(ready.slice(6)) };
}

let marks = 0;

/**
 * The `REQ <path> <Last-Event-ID>` lines a server printed for every request it has received so far. The server
 * prints before it answers, but this process can see an answer before it reads that line from the pipe, so a
 * live server is first sent a marker request, and read until the marker's own line; an ended one, to its end.
 */
export async function requests(server: { child: Child; port: number }, path = '/events') {
  const { child, port } = server;
  if (child.process.exitCode === null && child.process.signalCode === null) {
    const mark = `/mark-${++marks}`;
    await fetch(`http://127.0.0.1:${port}${mark}`).then((response) => response.body?.cancel());
    await child.waitForLine((line) => line === `REQ ${mark} -`);
  } else await child.exited; // settles once all of stdout is read
  const prefix = `REQ ${path} `;
  return child.lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
}

/** A log in a fresh directory, written untyped (so a test may write what a contract refuses). */
export function newLog() {
  const path = join(tempDir(), 'run-1', 'events.jsonl');
  const log = openEventLog(path, { instanceId: 'run-1' });
  onTestFinished(() => log.close());
  return { path, log };
}
