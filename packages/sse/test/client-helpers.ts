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

/** The `REQ <path> <Last-Event-ID>` lines a server printed. */
export const requests = (child: Child, path = '/events') =>
  child.lines.filter((l) => l.startsWith(`REQ ${path} `)).map((l) => l.slice(`REQ ${path} `.length));

/** A log in a fresh directory, written untyped (so a test may write what a contract refuses). */
export function newLog() {
  const path = join(tempDir(), 'run-1', 'events.jsonl');
  const log = openEventLog(path, { instanceId: 'run-1' });
  onTestFinished(() => log.close());
  return { path, log };
}
