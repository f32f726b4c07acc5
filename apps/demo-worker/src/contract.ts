// What the worker and anyone watching it (the demo server, the page in the browser, a test, a person with
// `tail -f`) agree on: one contract. Node-free, so that the page's bundle can include it.
import { defineContract } from '@fipc/core/portable';
import { z } from 'zod';

/** The job's phases, in order. */
export const PHASES = ['plan', 'build', 'approval', 'deploy'] as const;
export type Phase = (typeof PHASES)[number];

/** The answer a person gives to the approval question; the worker validates it with this schema. */
export const Approval = z.object({
  approved: z.boolean(),
  comment: z.string().trim().max(500).optional(),
});
export type Approval = z.infer<typeof Approval>;

/** The question's payload, as written to the request file. */
export const Question = z.object({ title: z.string(), question: z.string(), details: z.string() });
export type Question = z.infer<typeof Question>;

/** Every event type in a run's `events.jsonl`, with the schema of its `data`. */
export const WorkerEvents = {
  started: z.object({ title: z.string(), pid: z.number().int() }),
  phase: z.object({ name: z.enum(PHASES), label: z.string() }),
  progress: z.object({ percent: z.number().min(0).max(100), message: z.string() }),
  // Written by @fipc/requests (given the log as `events`): the question's life on disk.
  input_requested: z.looseObject({ request_id: z.string() }),
  input_answered: z.looseObject({ request_id: z.string() }),
  input_cancelled: z.looseObject({ request_id: z.string() }),
  input_expired: z.looseObject({ request_id: z.string() }),
  decision: z.object({ request_id: z.string(), approved: z.boolean(), comment: z.string().optional() }),
  completed: z.object({ outcome: z.enum(['deployed', 'rejected']), message: z.string() }),
  cancelled: z.object({ reason: z.string() }),
  failed: z.object({ error: z.string() }),
  // Not the worker's: anyone may append one (`fipc emit <run dir>/ note --data '{"text":"..."}'`); the page shows it.
  note: z.object({ text: z.string() }),
};
export type WorkerEventType = keyof typeof WorkerEvents;

/** The events after which a run's log never grows again. */
export const TERMINAL_EVENTS: readonly WorkerEventType[] = ['completed', 'cancelled', 'failed'];

/** The worker's fields in `state.json` (@fipc/state adds `instance_id` and `updated_at`). */
export const RunFields = z.object({
  title: z.string(),
  status: z.enum(['running', 'waiting', 'completed', 'cancelled', 'failed']),
  phase: z.enum(PHASES).nullable(),
  percent: z.number(),
  message: z.string(),
  pid: z.number().int(),
  request_id: z.string().nullable(),
  started_at: z.string(),
});
export type RunFields = z.infer<typeof RunFields>;
/** `state.json` as read back. */
export type RunState = RunFields & { instance_id: string; updated_at: string };
export type RunStatus = RunFields['status'];

/**
 * The one contract of a run's instance directory, imported by the worker (to write), the server (to read and
 * stream) and the page (to receive): its event types, its state and its one request kind.
 */
export const contract = defineContract({
  events: WorkerEvents,
  state: RunFields,
  requests: { approval: { payload: Question, answer: Approval } },
});
