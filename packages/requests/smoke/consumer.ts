// Type-checked by `pnpm smoke` against the packed @fipc/requests, with moduleResolution NodeNext and Bundler.
// No zod installed: any Standard Schema types the answer, here a hand-written one.
import {
  listRequests,
  RequestError,
  type RequestErrorCode,
  type RequestInfo,
  type RequestStatus,
  request,
  respond,
  type ServeSummary,
  serveRequests,
} from '@fipc/requests';

const Approval = {
  '~standard': {
    version: 1,
    vendor: 'smoke',
    validate: (value: unknown) =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { approved?: unknown }).approved === 'boolean'
        ? { value: value as { approved: boolean } }
        : { issues: [{ message: 'expected { approved: boolean }' }] },
    types: undefined as unknown as { input: unknown; output: { approved: boolean } },
  },
} as const;

export async function ask(signal: AbortSignal): Promise<boolean> {
  const pending = request(
    'runs/run-1',
    'approve',
    { question: 'Deploy?' },
    { schema: Approval, signal, durability: 'fsync' },
  );
  const id: string = pending.id;
  const answer = await pending;
  void id;
  const approved: boolean = answer.approved;
  // @ts-expect-error: the schema has no such field
  answer.reason;
  return approved;
}

export async function serve(signal: AbortSignal): Promise<number> {
  const summary: ServeSummary = await serveRequests(
    'runs/run-1',
    async (_payload, { id, signal: handlerSignal }) => ({
      approved: id.length > 0 && !handlerSignal.aborted,
    }),
    { signal, concurrency: 2, pollMs: 500, onSkip: ({ reason, path }) => console.warn(path, reason) },
  );
  const pending: RequestInfo[] = await listRequests('runs/run-1', { status: 'pending' });
  const status: RequestStatus | undefined = pending[0]?.status;
  await respond('runs/run-1', pending[0]?.id ?? 'none', { approved: status === 'pending' });
  return summary.answered + summary.failed;
}

export function code(error: unknown): RequestErrorCode | undefined {
  if (error instanceof RequestError && error.code === 'NOT_FOUND') return error.code;
  return error instanceof RequestError ? error.code : undefined;
}
