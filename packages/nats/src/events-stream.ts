import { type JetStreamManager, StorageType } from '@nats-io/jetstream';
import { headers, type MsgHdrs } from '@nats-io/transport-node';
import { ensureStream } from './streams.js';
import { subjectToken } from './subjects.js';

/**
 * Where the event logs travel: the stream, and the prefix of the one subject per instance.
 *
 * @example
 * const options: EventsStreamOptions = { stream: 'JOBS_EVENTS', subjectPrefix: 'jobs.events' };
 */
export interface EventsStreamOptions {
  /** The JetStream stream, created (file storage, no limits) if missing. @default 'FIPC_EVENTS' */
  stream?: string;
  /** Subjects are `<subjectPrefix>.<instance token>`; the stream captures `<subjectPrefix>.>`. @default 'fipc.events' */
  subjectPrefix?: string;
}

/**
 * The default stream of the event logs.
 *
 * @example
 * const info = await jsm.streams.info(DEFAULT_EVENTS_STREAM);
 */
export const DEFAULT_EVENTS_STREAM = 'FIPC_EVENTS';
/**
 * The default prefix of the event logs' subjects.
 *
 * @example
 * nc.subscribe(`${DEFAULT_EVENTS_PREFIX}.>`); // every shipped record, live (core NATS)
 */
export const DEFAULT_EVENTS_PREFIX = 'fipc.events';

/** The headers of a batch message (PROTOCOL.md 6.2). */
export const EPOCH_HEADER = 'Fipc-Epoch';
export const OFFSET_HEADER = 'Fipc-Offset';
export const NEXT_OFFSET_HEADER = 'Fipc-Next-Offset';

/**
 * Where a message's bytes sit in the log: contiguous whole lines `[offset, nextOffset)` of the log of `epoch`.
 *
 * @example
 * const position: BatchPosition = { epoch: '3f2a9c0d11be', offset: 0, nextOffset: 5120 };
 * const lastSseId = `${position.epoch}-${position.nextOffset}`;
 */
export interface BatchPosition {
  /** The log's epoch (PROTOCOL.md 5.1). */
  epoch: string;
  /** Byte offset of the first line. */
  offset: number;
  /** Byte offset just past the last line's newline: the SSE id of the last record is `<epoch>-<nextOffset>`. */
  nextOffset: number;
}

/** The stream and the instance's subject. */
export function eventsTarget(instanceId: string, options: EventsStreamOptions) {
  const stream = options.stream ?? DEFAULT_EVENTS_STREAM;
  const prefix = options.subjectPrefix ?? DEFAULT_EVENTS_PREFIX;
  const token = subjectToken(instanceId);
  return { stream, prefix, token, subject: `${prefix}.${token}` };
}

/** Creates the events stream if it is missing. */
export const ensureEventsStream = (jsm: JetStreamManager, stream: string, prefix: string) =>
  ensureStream(jsm, { name: stream, subjects: [`${prefix}.>`], storage: StorageType.File });

/** The headers of a batch. */
export function batchHeaders({ epoch, offset, nextOffset }: BatchPosition): MsgHdrs {
  const h = headers();
  h.set(EPOCH_HEADER, epoch);
  h.set(OFFSET_HEADER, String(offset));
  h.set(NEXT_OFFSET_HEADER, String(nextOffset));
  return h;
}

/** The position a message's headers state; `undefined` when they are missing or malformed. */
export function readBatchHeaders(h: MsgHdrs | undefined): BatchPosition | undefined {
  const epoch = h?.get(EPOCH_HEADER) ?? '';
  const offset = decimal(h?.get(OFFSET_HEADER));
  const nextOffset = decimal(h?.get(NEXT_OFFSET_HEADER));
  if (!/^[0-9a-f]{12}$/.test(epoch) || offset === undefined || nextOffset === undefined) return undefined;
  return nextOffset > offset ? { epoch, offset, nextOffset } : undefined;
}

const decimal = (text: string | undefined) => {
  if (!text || !/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
};

/** The `Nats-Msg-Id` of a batch: the instance and the SSE id of its last record. */
export const batchMessageId = (token: string, { epoch, nextOffset }: BatchPosition) =>
  `${token}:${epoch}-${nextOffset}`;
