import { basename, resolve } from 'node:path';
import type { Command } from '../command.js';
import { connectionOptions, runBridge } from './nats.js';

const instanceOfDir = (values: Record<string, unknown>, dir: string) => {
  const full = resolve(dir);
  return (
    (values.instance as string | undefined) ??
    basename(basename(full) === 'input-requests' ? resolve(full, '..') : full)
  );
};

const remainingMs = (expiresAt: string | null | undefined) =>
  expiresAt ? Math.max(1, Date.parse(expiresAt) - Date.now()) : undefined;

const dirHelp =
  '<dir> is the instance directory (files in its input-requests/); the instance id defaults to its name.';

/** `fipc nats serve-requests`: NATS requests answered through local request files. */
export const natsServeRequests: Command = {
  name: 'nats serve-requests',
  summary: "Answer an instance's NATS requests through a local input-requests/ directory.",
  args: ['<dir>'],
  description: [
    'Claims the requests made over NATS for the instance (by @fipc/nats request() on any host) and writes',
    "each as a local request file with the same id, so that local responders answer it ('fipc respond',",
    'a responder loop, a person, a Python script); the local outcome goes back to the requester. A cancel',
    'or an expiry travels both ways. Several hosts may run it: each request goes to one of them (a lease,',
    'taken over if a bridge dies). Runs until SIGINT or SIGTERM.',
    dirHelp,
  ].join('\n'),
  options: {
    ...connectionOptions,
    concurrency: {
      type: 'string',
      value: 'N',
      description: 'requests waiting for a local answer at once (default: 64)',
    },
  },
  examples: ['fipc nats serve-requests runs/run-1 & fipc pending runs/run-1'],
  async run({ positionals: [dir], values }, context) {
    const { request: localRequest } = await import('@fipc/requests');
    const instanceId = instanceOfDir(values, dir!);
    return runBridge(context, values, (nats, nc) =>
      nats.serveRequests(
        async (payload, { id, request, signal }) => {
          try {
            // The kind travels with the request (a requester that named none: the CLI's default).
            return await localRequest(dir!, request.kind ?? 'question', payload ?? null, {
              id,
              signal,
              timeoutMs: remainingMs(request.expires_at),
            });
          } catch (error) {
            // Cancelled here (a UI's dismiss): cancelled there too, rather than an error answer.
            if ((error as { code?: string }).code === 'REQUEST_CANCELLED')
              await nats
                .cancelRequest(id, { nc, instanceId, reason: 'cancelled on the serving host' })
                .catch(() => {});
            throw error;
          }
        },
        {
          nc,
          instanceId,
          signal: context.signal,
          concurrency: values.concurrency === undefined ? 64 : Number(values.concurrency),
          onError: (error) => context.warn(error.message),
        },
      ),
    );
  },
};

/** `fipc nats forward-requests`: local request files answered by NATS responders. */
export const natsForwardRequests: Command = {
  name: 'nats forward-requests',
  summary: 'Send the requests of a local input-requests/ directory to responders over NATS.',
  args: ['<dir>'],
  description: [
    'Claims the pending request files of <dir> and asks each over NATS with the same id, so that responders',
    "on other hosts (@fipc/nats serveRequests, or 'fipc nats serve-requests' there) answer it; the answer",
    'is written back as the local response file. Local requesters need no change. Runs until SIGINT or',
    'SIGTERM.',
    dirHelp,
  ].join('\n'),
  options: {
    ...connectionOptions,
    concurrency: { type: 'string', value: 'N', description: 'requests forwarded at once (default: 64)' },
  },
  examples: ['fipc nats forward-requests runs/run-1 --server nats://hub:4222'],
  async run({ positionals: [dir], values }, context) {
    const { serveRequests: serveLocal } = await import('@fipc/requests');
    const instanceId = instanceOfDir(values, dir!);
    return runBridge(context, values, (nats, nc) =>
      serveLocal(
        dir!,
        (payload, { id, kind, request, signal }) =>
          nats.request(payload, {
            nc,
            instanceId,
            id,
            kind,
            signal,
            timeoutMs: remainingMs(request.expires_at),
          }),
        {
          signal: context.signal,
          concurrency: values.concurrency === undefined ? 64 : Number(values.concurrency),
        },
      ),
    );
  },
};
