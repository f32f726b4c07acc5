// Type-checked by `pnpm smoke` against the packed @fipc/nats, with moduleResolution NodeNext and Bundler.
import {
  connectNats,
  mirrorEvents,
  NatsBridgeError,
  type NatsBridgeErrorCode,
  request,
  serveRequests,
  shipEvents,
} from '@fipc/nats';

export async function bridge(signal: AbortSignal): Promise<void> {
  const nc = await connectNats('nats://127.0.0.1:4222');
  // @ts-expect-error: instanceId is required
  await shipEvents('run-1/events.jsonl', { nc, signal });
  await mirrorEvents('replica/run-1/events.jsonl', { nc, instanceId: 'run-1', signal, durability: 'fsync' });
  const served = serveRequests((payload: { n: number }) => payload.n + 1, {
    nc,
    instanceId: 'run-1',
    signal,
  });
  const answer: unknown = await request({ n: 1 }, { nc, instanceId: 'run-1', timeoutMs: 1000 });
  void answer;
  const { answered }: { answered: number } = await served;
  void answered;
}

export const code = (error: unknown): NatsBridgeErrorCode | undefined =>
  error instanceof NatsBridgeError ? error.code : undefined;
