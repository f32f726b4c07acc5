import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { readEpoch } from '@fipc/core';
import { readEvents } from '@fipc/events';
import { waitFor } from '@fipc/test-utils';
import { jetstreamManager } from '@nats-io/jetstream';
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

/** The byte ranges the stream holds for an instance's subject, in order, with their epochs. */
export async function streamRanges(
  nc: NatsConnection,
  subject: string,
  stream = 'FIPC_EVENTS',
): Promise<{ epoch: string; offset: number; nextOffset: number; seq: number }[]> {
  const jsm = await jetstreamManager(nc);
  const ranges = [];
  for (let seq = 1; ; ) {
    // MSG.GET takes next_by_subj since 2.9; the client's type only lists seq and last_by_subj.
    const query = { next_by_subj: subject, seq } as unknown as { seq: number };
    const message = await jsm.streams.getMessage(stream, query);
    if (!message) return ranges;
    ranges.push({
      epoch: message.header.get('Fipc-Epoch'),
      offset: Number(message.header.get('Fipc-Offset')),
      nextOffset: Number(message.header.get('Fipc-Next-Offset')),
      seq: message.seq,
    });
    seq = message.seq + 1;
  }
}

/** Whether `ranges` cover `[0, size)` once each, in order: every record in the stream exactly once. */
export function exactlyOnce(ranges: { offset: number; nextOffset: number }[], size: number): boolean {
  let end = 0;
  for (const { offset, nextOffset } of ranges) {
    if (offset !== end) return false;
    end = nextOffset;
  }
  return end === size;
}
