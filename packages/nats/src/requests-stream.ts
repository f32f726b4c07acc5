import { positiveMs } from '@fipc/core';
import {
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  StorageType,
} from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { REQUEST_TIMEOUT_MS } from './retry.js';
import { ensureStream } from './streams.js';
import { subjectToken } from './subjects.js';

/**
 * Where requests and their outcomes travel (PROTOCOL.md 6.4). The stream and the bucket are created by the
 * first process that needs them, with its `retentionMs`; later ones use them as they are.
 *
 * @example
 * const options: RequestsStreamOptions = { retentionMs: 6 * 60 * 60 * 1000 };
 */
export interface RequestsStreamOptions {
  /** The stream of requests, one message per request subject. @default 'FIPC_REQUESTS' */
  stream?: string;
  /** Requests are `<subjectPrefix>.<instance token>.<id token>`. @default 'fipc.requests' */
  subjectPrefix?: string;
  /** The KV bucket of outcomes, one key per request, created first-wins. @default 'fipc-responses' */
  bucket?: string;
  /**
   * How long the stream keeps a request (answered or not); outcomes are kept twice as long, so an outcome is
   * never removed while its request can still be delivered (and answered a second time).
   * @default 86_400_000 (24 hours)
   */
  retentionMs?: number;
}

/**
 * The default stream of requests.
 *
 * @example
 * const info = await jsm.streams.info(DEFAULT_REQUESTS_STREAM);
 */
export const DEFAULT_REQUESTS_STREAM = 'FIPC_REQUESTS';
/**
 * The default prefix of request subjects.
 *
 * @example
 * const subject = `${DEFAULT_REQUESTS_PREFIX}.${subjectToken('run-1')}.${subjectToken('q1')}`;
 */
export const DEFAULT_REQUESTS_PREFIX = 'fipc.requests';
/**
 * The default bucket of outcomes.
 *
 * @example
 * const outcomes = await new Kvm(nc).open(DEFAULT_RESPONSES_BUCKET);
 */
export const DEFAULT_RESPONSES_BUCKET = 'fipc-responses';
const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;

/** An instance's requests: names, subjects, keys. */
export interface RequestsTarget {
  stream: string;
  bucket: string;
  retentionMs: number;
  instance: string;
  /** The subject prefix: the stream captures `<prefix>.>`. */
  prefix: string;
  /** All the instance's requests: `<prefix>.<instance>.>`. */
  filter: string;
  subject(id: string): string;
  key(id: string): string;
}

export function requestsTarget(instanceId: string, options: RequestsStreamOptions): RequestsTarget {
  const prefix = options.subjectPrefix ?? DEFAULT_REQUESTS_PREFIX;
  const instance = subjectToken(instanceId);
  return {
    stream: options.stream ?? DEFAULT_REQUESTS_STREAM,
    bucket: options.bucket ?? DEFAULT_RESPONSES_BUCKET,
    retentionMs: positiveMs('retentionMs', options.retentionMs, DEFAULT_RETENTION_MS),
    instance,
    prefix,
    filter: `${prefix}.${instance}.>`,
    subject: (id) => `${prefix}.${instance}.${subjectToken(id)}`,
    key: (id) => `${instance}.${subjectToken(id)}`,
  };
}

/** The JetStream handles of a target, the stream and bucket made sure of. */
export interface RequestsHandles {
  js: JetStreamClient;
  jsm: JetStreamManager;
  kv: KV;
}

// One set of handles per connection and target: requests are many, the stream and bucket are checked once.
const cache = new WeakMap<NatsConnection, Map<string, Promise<RequestsHandles>>>();

/** The handles for `target` on `nc`, creating the stream (one message per subject) and the bucket if missing. */
export function requestsHandles(nc: NatsConnection, target: RequestsTarget): Promise<RequestsHandles> {
  const byTarget = cache.get(nc) ?? new Map<string, Promise<RequestsHandles>>();
  cache.set(nc, byTarget);
  const name = `${target.stream}\n${target.bucket}\n${target.filter}`;
  let handles = byTarget.get(name);
  if (!handles) {
    handles = open(nc, target);
    byTarget.set(name, handles);
    handles.catch(() => byTarget.delete(name));
  }
  return handles;
}

async function open(nc: NatsConnection, target: RequestsTarget): Promise<RequestsHandles> {
  const js = jetstream(nc, { timeout: REQUEST_TIMEOUT_MS });
  const jsm = await jetstreamManager(nc, { checkAPI: false, timeout: REQUEST_TIMEOUT_MS });
  await ensureStream(jsm, {
    name: target.stream,
    subjects: [`${target.prefix}.>`],
    storage: StorageType.File,
    max_msgs_per_subject: 1,
    discard: DiscardPolicy.New,
    discard_new_per_subject: true,
    max_age: target.retentionMs * 1_000_000,
  });
  const kv = await new Kvm(js).create(target.bucket, { history: 1, ttl: 2 * target.retentionMs });
  return { js, jsm, kv };
}
