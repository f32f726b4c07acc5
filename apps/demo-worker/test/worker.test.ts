import { join } from 'node:path';
import { RunFields, runPaths } from '@fipc/demo-worker';
import { type EventRecord, readEvents, tailEvents } from '@fipc/events';
import { listRequests, respond } from '@fipc/requests';
import { readState } from '@fipc/state';
import { runTs, spawnTs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';

const main = join(import.meta.dirname, '../src/main.ts');
const answerCli = join(import.meta.dirname, '../src/answer.ts');

async function records(dir: string): Promise<EventRecord[]> {
  const out: EventRecord[] = [];
  for await (const { record } of readEvents(runPaths(dir).events)) out.push(record);
  return out;
}

/** Starts a worker on a fresh directory and waits until it asks its question. */
async function startAndWaitForQuestion() {
  const dir = tempDir('fipc-demo-worker-');
  const worker = spawnTs(main, ['--dir', dir, '--step-ms', '20', '--title', 'Release 9']);
  onTestFinished(() => void worker.process.kill()); // a failed test must not leave a worker waiting
  const pending = await waitFor(async () => (await listRequests(dir, { status: 'pending' })).at(0), {
    timeoutMs: 30_000,
    intervalMs: 20,
    what: 'the approval request',
  });
  return { dir, worker, id: pending!.id };
}

describe('demo-worker', () => {
  it('runs plan and build, asks for approval, deploys once approved, and ends on a terminal event', async () => {
    const { dir, worker, id } = await startAndWaitForQuestion();
    // The question is written first, then the state says so.
    const waiting = await waitFor(async () => {
      const state = await readState(runPaths(dir).state, { schema: RunFields });
      return state.status === 'waiting' && state;
    });
    expect(waiting).toMatchObject({
      status: 'waiting',
      phase: 'approval',
      request_id: id,
      pid: worker.process.pid,
    });

    await respond(dir, id, { approved: true, comment: 'ship it' });
    expect(await worker.exited).toEqual({ code: 0, signal: null });

    const events = await records(dir);
    const types = events.map((event) => event.event_type);
    expect(types[0]).toBe('started');
    expect(types.at(-1)).toBe('completed');
    expect(events.filter((e) => e.event_type === 'phase').map((e) => e.data.name)).toEqual([
      'plan',
      'build',
      'approval',
      'deploy',
    ]);
    expect(events.find((e) => e.event_type === 'decision')?.data).toEqual({
      request_id: id,
      approved: true,
      comment: 'ship it',
    });
    const percents = events.filter((e) => e.event_type === 'progress').map((e) => e.data.percent as number);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.at(-1)?.data).toMatchObject({ outcome: 'deployed' });

    const final = await readState(runPaths(dir).state, { schema: RunFields });
    expect(final).toMatchObject({ status: 'completed', percent: 100, request_id: null, title: 'Release 9' });
  });

  it('lands every state change before the event that reports it: an event never runs ahead of state.json', async () => {
    const dir = tempDir('fipc-demo-worker-');
    const worker = spawnTs(main, [`--dir=${dir}`, '--step-ms=5']);
    onTestFinished(() => void worker.process.kill());
    const behind: string[] = [];
    const signal = AbortSignal.timeout(30_000);
    for await (const { record } of tailEvents(runPaths(dir).events, { signal })) {
      // Read the state the moment the event is seen: it must already say what the event reports.
      const state = await readState(runPaths(dir).state, { schema: RunFields });
      const { event_type: type, data } = record;
      if (type === 'progress' && state.percent < (data.percent as number)) {
        behind.push(`progress ${data.percent}%: state.json says ${state.percent}%`);
      }
      if (type === 'phase' && state.phase !== data.name) {
        behind.push(`phase ${data.name}: state.json says ${state.phase}`);
      }
      if (type === 'input_requested') break;
    }
    expect(behind).toEqual([]);
    worker.process.kill('SIGTERM');
    await worker.exited;
  });

  it('deploys nothing when the person rejects (answered with the answer CLI)', async () => {
    const { dir, worker, id } = await startAndWaitForQuestion();
    const cli = await runTs(answerCli, ['--dir', dir, '--reject', '--comment', 'not on a Friday']);
    expect(cli.stdout).toContain(`answered ${id}`);
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    const events = await records(dir);
    expect(events.some((e) => e.phase === 'deploy')).toBe(false);
    expect(events.at(-1)).toMatchObject({ event_type: 'completed', data: { outcome: 'rejected' } });
    expect((await readState(runPaths(dir).state, { schema: RunFields }))?.message).toContain(
      'not on a Friday',
    );
  });

  it('on SIGTERM mid-phase writes a cancelled event and its final state, then exits cleanly', async () => {
    const dir = tempDir('fipc-demo-worker-');
    const worker = spawnTs(main, ['--dir', dir, '--step-ms', '200']);
    onTestFinished(() => void worker.process.kill());
    await waitFor(async () => (await records(dir)).some((e) => e.phase === 'build'), {
      timeoutMs: 30_000,
      what: 'the build phase',
    });
    worker.process.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    const events = await records(dir);
    expect(events.at(-1)).toMatchObject({ event_type: 'cancelled', phase: 'build' });
    expect(events.filter((e) => e.event_type === 'cancelled')).toHaveLength(1);
    expect(await readState(runPaths(dir).state, { schema: RunFields })).toMatchObject({
      status: 'cancelled',
      phase: 'build',
    });
  });

  it('on SIGTERM while waiting for the answer cancels the question too', async () => {
    const { dir, worker, id } = await startAndWaitForQuestion();
    worker.process.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect((await records(dir)).at(-1)).toMatchObject({ event_type: 'cancelled', phase: 'approval' });
    expect(await listRequests(dir, { status: 'pending' })).toEqual([]);
    await expect(respond(dir, id, { approved: true })).rejects.toThrow();
  });

  it('takes a title that starts with "-" as --title=..., and prints its usage with --help (exit 0)', async () => {
    const dir = tempDir('fipc-demo-worker-');
    const worker = spawnTs(main, [`--dir=${dir}`, '--title=-rf --help', '--step-ms=20']);
    onTestFinished(() => void worker.process.kill());
    const state = await waitFor(async () =>
      readState(runPaths(dir).state, { schema: RunFields }).catch(() => undefined),
    );
    expect(state?.title).toBe('-rf --help');
    worker.process.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    const help = spawnTs(main, ['--help']);
    expect(await help.exited).toEqual({ code: 0, signal: null });
    expect(help.stdout).toContain('usage: demo-worker --dir=<instance dir> [--title=<text>]');
  });

  it('refuses to start without --dir and prints its usage', async () => {
    const worker = spawnTs(main, ['--step-ms', 'fast']);
    expect((await worker.exited).code).toBe(2);
    expect(worker.stderr).toContain('usage: demo-worker --dir');
  });
});
