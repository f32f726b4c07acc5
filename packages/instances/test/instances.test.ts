import { mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEventLog } from '@fipc/events';
import { listInstances, removeInstances } from '@fipc/instances';
import { request } from '@fipc/requests';
import { writeState } from '@fipc/state';
import { spawnTs, tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';

const DAY = 86_400_000;

/** Sets the modification time of `dir` and everything in it to `ms` ago. */
function age(dir: string, ms: number): void {
  const then = new Date(Date.now() - ms);
  const walk = (path: string) => {
    for (const name of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, name.name);
      if (name.isDirectory()) walk(child);
      utimesSync(child, then, then);
    }
  };
  walk(dir);
  utimesSync(dir, then, then);
}

async function instance(root: string, id: string, status: string | undefined, events = 2): Promise<string> {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  const log = openEventLog(join(dir, 'events.jsonl'));
  for (let i = 0; i < events; i++) await log.emit('tick', { data: { i } });
  await log.close();
  if (status) await writeState(join(dir, 'state.json'), { status });
  return dir;
}

describe('listInstances', () => {
  it('lists instance directories with status, last event, size, segments, writers and requests', async () => {
    const root = tempDir();
    const done = await instance(root, 'run-1', 'completed');
    const log = openEventLog(join(done, 'events.jsonl'));
    const last = await log.emit('completed');
    await log.rotate();
    await log.close();
    await instance(root, 'run-2', 'running', 1);
    const open = openEventLog(join(root, 'run-3', 'events.jsonl'));
    mkdirSync(join(root, 'not-an-instance'));
    mkdirSync(join(root, '.hidden'));
    writeFileSync(join(root, '.hidden', 'state.json'), '{}');
    symlinkSync(done, join(root, 'link'));
    const list = await listInstances(root);
    expect(list.map((i) => i.id)).toEqual(['run-1', 'run-2', 'run-3']);
    const [one, two, three] = list;
    expect(one).toMatchObject({
      status: 'completed',
      terminal: true,
      state: 'ok',
      segments: 1,
      liveWriters: 0,
    });
    expect(one!.lastEventAt).toBe(last.record.timestamp); // from the newest segment: the live file is empty
    expect(one!.bytes).toBeGreaterThan(300);
    expect(one!.pendingRequests).toBe(0);
    expect(two).toMatchObject({ status: 'running', terminal: false, segments: 0 });
    expect(three).toMatchObject({
      status: undefined,
      state: 'missing',
      lastEventAt: undefined,
      liveWriters: 1,
    });
    await open.close();
    await expect(listInstances(join(root, 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('removeInstances', () => {
  it('removes finished instances older than the limit; keeps recent, running, and waiting ones; dry run removes nothing', async () => {
    const root = tempDir();
    await instance(root, 'old-done', 'completed');
    await instance(root, 'old-failed', 'failed');
    await instance(root, 'old-running', 'running');
    await instance(root, 'old-unknown', undefined);
    const waiting = await instance(root, 'old-waiting', 'completed');
    const controller = new AbortController();
    const asking = request(waiting, 'question', { approve: true }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const id of ['old-done', 'old-failed', 'old-running', 'old-unknown', 'old-waiting'])
      age(join(root, id), 2 * DAY);
    await instance(root, 'new-done', 'completed');
    const dry = await removeInstances(root, { olderThanMs: DAY, dryRun: true });
    expect(dry.removed.map((i) => i.id)).toEqual(['old-done', 'old-failed']);
    expect(Object.fromEntries(dry.kept.map((k) => [k.instance.id, k.reason]))).toEqual({
      'new-done': 'too-recent',
      'old-running': 'not-terminal',
      'old-unknown': 'not-terminal',
      'old-waiting': 'pending-request',
    });
    expect(readdirSync(root)).toHaveLength(6);
    const real = await removeInstances(root, { olderThanMs: DAY });
    expect(real.removed.map((i) => i.id)).toEqual(['old-done', 'old-failed']);
    expect(readdirSync(root).sort()).toEqual(['new-done', 'old-running', 'old-unknown', 'old-waiting']);
    controller.abort(); // the request is cancelled: no longer pending
    await asking.catch(() => {});
    age(waiting, 2 * DAY);
    const forced = await removeInstances(root, { olderThanMs: DAY, force: true });
    expect(forced.removed.map((i) => i.id).sort()).toEqual(['old-running', 'old-unknown', 'old-waiting']);
    expect(readdirSync(root)).toEqual(['new-done']);
    await expect(removeInstances(root, { olderThanMs: -1 })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
  });

  it('never removes an instance whose worker process is running, even finished and old; removes it once the worker is gone', async () => {
    const root = tempDir();
    const dir = join(root, 'run-1');
    mkdirSync(dir);
    const worker = spawnTs(join(import.meta.dirname, 'fixtures', 'worker.ts'), [dir]);
    await worker.waitForLine((line) => line === 'idle');
    age(dir, 2 * DAY);
    const first = await removeInstances(root, { olderThanMs: DAY });
    expect(first.removed).toEqual([]);
    expect(first.kept.map((k) => [k.instance.id, k.reason, k.instance.status])).toEqual([
      ['run-1', 'live-writer', 'completed'],
    ]);
    expect(readdirSync(root)).toEqual(['run-1']);
    await worker.kill9();
    age(dir, 2 * DAY);
    const second = await removeInstances(root, { olderThanMs: DAY });
    expect(second.removed.map((i) => i.id)).toEqual(['run-1']);
    expect(readdirSync(root)).toEqual([]);
  });
});
