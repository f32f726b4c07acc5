import { setTimeout as sleep } from 'node:timers/promises';
import { openEventLog } from '@fipc/events';
import { request } from '@fipc/requests';
import { openStateStore } from '@fipc/state';
import { contract, type Phase, type Question, type RunStatus } from './contract.js';
import { runPaths } from './paths.js';

/** Options of {@link runJob}. */
export interface JobOptions {
  /** The instance directory: `events.jsonl`, `state.json` and `input-requests/` go here. */
  dir: string;
  /** @default 'Release 1.4.0' */
  title?: string;
  /**
   * Pause between two steps of work, in ms: the job is simulated, this sets its pace.
   * @default 600
   */
  stepMs?: number;
  /**
   * How long to wait for the person's answer before giving up (the run then fails).
   * @default 30 minutes
   */
  approvalTimeoutMs?: number;
  /** Cancels the job: it then writes a `cancelled` event and its final state, and returns. */
  signal?: AbortSignal;
}

/** The work of each phase: [label, steps]; progress runs from the phase's start percent to its end. */
const WORK: Record<
  Exclude<Phase, 'approval'>,
  { label: string; from: number; to: number; steps: string[] }
> = {
  plan: { label: 'Planning', from: 0, to: 20, steps: ['Reading the manifest', 'Resolving 42 dependencies'] },
  build: {
    label: 'Building',
    from: 20,
    to: 60,
    steps: ['Compiling core', 'Compiling web', 'Running 318 tests', 'Packing artefacts'],
  },
  deploy: {
    label: 'Deploying',
    from: 65,
    to: 100,
    steps: ['Uploading artefacts', 'Shifting 10% of traffic', 'Shifting 100% of traffic', 'Health checks'],
  },
};

/**
 * Runs the simulated release (plan, build, wait for approval, deploy), reporting every step as a typed event
 * and keeping `state.json` current. Resolves with the final status; never rejects for a cancel or a failure,
 * which are reported as events.
 *
 * @example
 * const status = await runJob({ dir: 'runs/run-1', signal: AbortSignal.timeout(60_000) });
 */
export async function runJob(options: JobOptions): Promise<RunStatus> {
  const { dir, title = 'Release 1.4.0', stepMs = 600, approvalTimeoutMs = 30 * 60_000, signal } = options;
  const paths = runPaths(dir);
  const log = openEventLog(paths.events, { events: contract.events, durability: 'fsync' });
  const state = openStateStore(paths.state, { durability: 'fsync', schema: contract.state });
  await state.set({
    title,
    status: 'running',
    phase: null,
    percent: 0,
    message: 'Starting',
    pid: process.pid,
    request_id: null,
    started_at: new Date().toISOString(),
  });
  await log.emit('started', { data: { title, pid: process.pid } });

  let phase: Phase | null = null;
  const progress = async (percent: number, message: string) => {
    await state.update({ percent, message });
    await log.emit('progress', { phase, data: { percent, message } });
  };
  const work = async (name: Exclude<Phase, 'approval'>) => {
    const { label, from, to, steps } = WORK[name];
    phase = name;
    await state.update({ phase, message: label });
    await log.emit('phase', { phase, data: { name, label } });
    for (const [index, step] of steps.entries()) {
      await progress(Math.round(from + ((to - from) * index) / steps.length), step);
      await sleep(stepMs, undefined, { signal });
    }
    await progress(to, `${label} done`);
  };
  const finish = async (status: RunStatus, message: string, terminal: () => Promise<unknown>) => {
    // The final state lands before the terminal event: whoever sees the event reads the final state.
    await state.update({ status, message, request_id: null });
    await terminal();
    await state.close();
    await log.close();
    return status;
  };

  try {
    await work('plan');
    await work('build');

    phase = 'approval';
    await state.update({ phase, message: 'Waiting for approval' });
    await log.emit('phase', { phase, data: { name: phase, label: 'Waiting for approval' } });
    const id = `approve-${Date.now().toString(36)}`;
    const question: Question = {
      title,
      question: `Deploy ${title} to production?`,
      details: 'All 318 tests passed; the artefacts are 12.4 MB.',
    };
    // The answer arrives as a file, so it reaches this process even if the server restarted in between.
    // Given the log, @fipc/requests records the question's life in it (input_requested, input_answered, ...).
    const answer = request(dir, 'approval', question, {
      id,
      requests: contract.requests,
      timeoutMs: approvalTimeoutMs,
      signal,
      events: log,
      durability: 'fsync',
    });
    answer.catch(() => {}); // handled below; this only keeps a rejection during the next await from being "unhandled"
    await state.update({ status: 'waiting', phase, percent: 60, message: question.question, request_id: id });
    const { approved, comment } = await answer;
    await state.update({ status: 'running', request_id: null });
    await log.emit('decision', {
      phase,
      data: { request_id: id, approved, ...(comment ? { comment } : {}) },
    });
    if (!approved) {
      const message = `Rejected${comment ? `: ${comment}` : ''}; nothing was deployed`;
      return await finish('completed', message, () =>
        log.emit('completed', { phase, data: { outcome: 'rejected', message } }),
      );
    }

    await work('deploy');
    const message = `${title} is live${comment ? ` (${comment})` : ''}`;
    return await finish('completed', message, () =>
      log.emit('completed', { phase, data: { outcome: 'deployed', message } }),
    );
  } catch (error) {
    if (signal?.aborted) {
      const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
      return await finish('cancelled', `Cancelled: ${reason}`, () =>
        log.emit('cancelled', { phase, data: { reason } }),
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    return await finish('failed', `Failed: ${message}`, () =>
      log.emit('failed', { phase, data: { error: message } }),
    );
  }
}
