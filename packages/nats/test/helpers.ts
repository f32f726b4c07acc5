import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { readEpoch } from '@fipc/core';
import { readEvents } from '@fipc/events';
import { waitFor } from '@fipc/test-utils';
import type { NatsConnection } from '@nats-io/transport-node';
import { onTestFinished } from 'vitest';
import { connectNats } from '../src/index.js';

/** A connection for the current test, closed when it finishes. */
export async function connection(url: string): Promise<NatsConnection> {
  const nc = await connectNats(url, { reconnectTimeWait: 100 });
  onTestFinished(() => nc.close());
  return nc;
}

/** One protocol record line (PROTOCOL.md 2.2), newline included. */
export const recordLine = (instance: string, seq: number, data: object = {}) =>
  `${JSON.stringify({
    schema_version: 1,
    timestamp: new Date(1_800_000_000_000 + seq).toISOString(),
    instance_id: instance,
    event_type: 'progress',
    phase: null,
    data: { n: seq, ...data },
    seq,
  })}\n`;

/** The SSE ids of a log's records, `<epoch>-<nextOffset>` (PROTOCOL.md 5.1). */
export async function sseIds(path: string): Promise<string[]> {
  const fd = openSync(path, 'r');
  const epoch = readEpoch(fd);
  closeSync(fd);
  const ids: string[] = [];
  for await (const { nextOffset } of readEvents(path)) ids.push(`${epoch}-${nextOffset}`);
  return ids;
}

const size = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
};

/** Waits until `copy` holds exactly the bytes of `source`. */
export async function waitForCopy(source: string, copy: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(() => size(copy) === size(source) && readFileSync(copy).equals(readFileSync(source)), {
    timeoutMs,
    intervalMs: 20,
    what: `${copy} to equal ${source} (${size(copy)} of ${size(source)} bytes)`,
  });
}
