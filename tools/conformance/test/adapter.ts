// The ONLY file that calls the packages' APIs. It turns what our readers report into the language-neutral
// results of conformance/README.md. When an API is renamed (`onCorrupt` -> `onSkip`, error codes...), this
// file and nothing else changes; the tables below fail loudly on a reason or code they do not know.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { readEvents } from '@fipc/events';
import { listRequests, RequestError } from '@fipc/requests';
import { readState, StateError } from '@fipc/state';
import type { ExpectedRequest, SkipCategory, StateErrorCategory } from './vectors.js';

// ---------------------------------------------------------------------------------------------- events

/** Our skip reasons (free text for logs) mapped to the README's categories. */
const SKIP_CATEGORIES: Record<string, SkipCategory> = {
  'invalid UTF-8': 'invalid-utf8',
  'invalid JSON': 'invalid-json',
  'torn fragment before a record': 'torn-fragment',
  'not a JSON object': 'not-an-object',
  'no event_type': 'not-a-record',
  'bad schema_version': 'not-a-record',
  'bad timestamp': 'not-a-record',
  'bad instance_id': 'not-a-record',
  'bad event_type': 'not-a-record',
  'bad phase': 'not-a-record',
  'data is not an object': 'not-a-record',
  'bad ts': 'not-a-record',
  'bad id': 'not-a-record',
  'bad type': 'not-a-record',
  'line longer than maxLineBytes': 'too-long',
  'from is not a line start': 'not-line-start',
};

export function skipCategory(reason: string): SkipCategory {
  const category = SKIP_CATEGORIES[reason];
  if (!category) throw new Error(`unmapped skip reason ${JSON.stringify(reason)}: add it to adapter.ts`);
  return category;
}

export interface EventsResult {
  records: { offset: number; nextOffset: number; record: Record<string, unknown> }[];
  skipped: { offset: number | undefined; length: number | undefined; reason: SkipCategory }[];
}

/** Everything a one-shot read of the log reports: entries, and the skipped ranges via the bad-line callback. */
export async function readLog(
  path: string,
  options: { from?: number; max_line_bytes?: number } = {},
): Promise<EventsResult> {
  const result: EventsResult = { records: [], skipped: [] };
  const entries = readEvents(path, {
    ...(options.from !== undefined && { from: options.from }),
    ...(options.max_line_bytes !== undefined && { maxLineBytes: options.max_line_bytes }),
    onSkip: ({ offset, length, reason }) =>
      result.skipped.push({ offset, length, reason: skipCategory(reason) }),
  });
  for await (const { record, offset, nextOffset } of entries)
    result.records.push({ offset, nextOffset, record });
  return result;
}

// ----------------------------------------------------------------------------------------------- state

const STATE_ERRORS: Record<string, StateErrorCategory> = {
  NOT_FOUND: 'not-found',
  INVALID_JSON: 'invalid-json',
  SCHEMA_MISMATCH: 'not-a-snapshot',
  NOT_A_FILE: 'not-a-file',
};

export type StateResult = { snapshot: Record<string, unknown> } | { error: StateErrorCategory };

export async function readSnapshot(path: string): Promise<StateResult> {
  try {
    return { snapshot: await readState(path) };
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    const category = STATE_ERRORS[error.code];
    if (!category) throw new Error(`unmapped state error ${error.code}: ${error.message}`, { cause: error });
    return { error: category };
  }
}

// -------------------------------------------------------------------------------------------- requests

const REQUESTS_ERRORS: Record<string, 'unsafe-directory'> = { UNSAFE_DIRECTORY: 'unsafe-directory' };

/** One listed request, with the whole files as parsed, to compare with the vector's files. */
export interface ListedRequest extends ExpectedRequest {
  request: unknown;
  responseRecord: unknown;
}

export type RequestsResult = { requests: ListedRequest[] } | { error: 'unsafe-directory' };

/** `listRequests` on the instance directory `dir` (which holds `input-requests/`). */
export async function listAll(dir: string): Promise<RequestsResult> {
  let infos: Awaited<ReturnType<typeof listRequests>>;
  try {
    infos = await listRequests(dir);
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    const category = REQUESTS_ERRORS[error.code];
    if (!category)
      throw new Error(`unmapped requests error ${error.code}: ${error.message}`, { cause: error });
    return { error: category };
  }
  return {
    requests: infos.map((info) => ({
      id: info.id,
      status: info.status,
      // The listing leaves `response` undefined both when there is no response file and when the file is
      // malformed (or not readable): tell them apart by whether anything has the response's name.
      response: info.response
        ? 'valid'
        : lstatSync(join(dir, 'input-requests', `${info.id}.response`), { throwIfNoEntry: false })
          ? 'malformed'
          : 'absent',
      expires_at: info.expiresAt,
      ...(info.payload !== undefined && { payload: info.payload }),
      ...(info.error !== undefined && { error: { ...info.error } }),
      request: info.request,
      responseRecord: info.response,
    })),
  };
}
