import { existsSync } from 'node:fs';
import type { RequestInfo, RequestStatus } from '@fipc/requests';
import { directoryArgument, jsonArgument, secondsArgument } from '../arguments.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatTime, paint, safe, summarize } from '../format.js';

const dirHelp =
  '<dir> is an instance directory (the files are in its input-requests/), or that input-requests/.';

/** `fipc request`: asks a question and prints the answer. */
export const requestCommand: Command = {
  name: 'request',
  summary: 'Ask for an answer through a directory and print it.',
  args: ['<dir>', '<json>'],
  description: [
    'Writes a request whose payload is <json> and waits until some process answers it (with',
    "'fipc respond', a responder loop, a Python script), then prints the answer as one line of JSON.",
    'Exits with 5 when --timeout passes (the request is marked expired, so responders see it), with 6',
    'when the request is cancelled or the responder reports an error, and with 130 on SIGINT or SIGTERM',
    "(the request is marked cancelled). '-' reads the JSON from stdin.",
    dirHelp,
  ].join('\n'),
  options: {
    timeout: {
      type: 'string',
      value: 'S',
      description: 'give up after S seconds (fractions allowed; default: wait forever)',
    },
    id: {
      type: 'string',
      value: 'ID',
      description: 'the request id; the same id and payload resume an earlier request (default: a UUID)',
    },
    kind: {
      type: 'string',
      value: 'K',
      description: "the request's kind, which picks the responder's handler (default: question)",
    },
    durable: { type: 'boolean', description: 'fsync the request file and its directory before waiting' },
  },
  examples: [
    `fipc request run '{"question":"Deploy to production?"}' --kind approve --timeout 600`,
    `answer=$(fipc request run '{"q":"name?"}' --id ask-name) && echo "got $answer"`,
  ],
  async run({ positionals: [dir, json], values }, context) {
    const payload = await jsonArgument(json!, '<json>', context.stdin);
    const timeoutMs =
      values.timeout === undefined ? undefined : secondsArgument(values.timeout as string, '--timeout');
    const { request } = await import('@fipc/requests');
    const kind = (values.kind as string | undefined) ?? 'question';
    const answer = await request(directoryArgument(dir!), kind, payload, {
      id: values.id as string | undefined,
      timeoutMs,
      durability: values.durable ? 'fsync' : 'none',
      signal: context.signal,
    });
    await context.out(JSON.stringify(answer ?? null));
    return ExitCode.OK;
  },
};

const waiting: RequestStatus[] = ['pending', 'claimed'];
const statuses: RequestStatus[] = ['pending', 'claimed', 'answered', 'cancelled', 'expired'];

/** `fipc pending`: lists the requests that wait for an answer. */
export const pending: Command = {
  name: 'pending',
  summary: 'List the requests waiting for an answer.',
  args: ['<dir>'],
  description: [
    'Lists the requests of <dir> that have no answer yet (pending, or claimed by a responder at work),',
    'oldest first: id, status, when it was asked, when it expires, and its payload. Requests written by the',
    'Python original (no payload) are listed too.',
    dirHelp,
  ].join('\n'),
  options: {
    status: {
      type: 'string',
      multiple: true,
      value: 'S',
      description: `only requests in this status (repeatable): ${statuses.join(', ')}`,
    },
    json: {
      type: 'boolean',
      description: 'one JSON object per request (JSONL): id, status, payload, schema, times',
    },
  },
  examples: [
    'fipc pending run',
    "fipc pending run --json | jq -r '.id'",
    'fipc pending run --status answered --status expired',
  ],
  async run({ positionals: [dir], values }, context) {
    const wanted = (values.status as string[] | undefined) ?? waiting;
    for (const status of wanted) {
      if (!statuses.includes(status as RequestStatus)) {
        throw new CliError('USAGE', `--status must be one of ${statuses.join(', ')}, got "${status}"`);
      }
    }
    if (!existsSync(dir!)) throw new CliError('NOT_FOUND', `no such directory: ${dir}`);
    const { listRequests } = await import('@fipc/requests');
    const list = await listRequests(directoryArgument(dir!), { status: wanted as RequestStatus[] });
    for (const info of list)
      await context.out(values.json ? JSON.stringify(jsonOf(info)) : line(info, context.color));
    return ExitCode.OK;
  },
};

function jsonOf(info: RequestInfo) {
  return {
    id: info.id,
    status: info.status,
    payload: info.payload ?? null,
    schema: info.schema,
    requested_at: info.requestedAt,
    expires_at: info.expiresAt,
  };
}

function line(info: RequestInfo, color: boolean): string {
  const expires = info.expiresAt ? `expires ${formatTime(info.expiresAt)}` : '';
  const { payload } = info;
  const shown =
    typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? summarize(payload as Record<string, unknown>)
      : payload === undefined
        ? ''
        : safe(JSON.stringify(payload));
  return [
    paint(color, 'cyan', safe(info.id)),
    paint(color, info.status === 'pending' ? 'yellow' : 'green', info.status.padEnd(7)),
    paint(color, 'dim', formatTime(info.requestedAt)),
    expires,
    shown,
  ]
    .filter(Boolean)
    .join('  ');
}

/** `fipc respond`: answers one request. */
export const respondCommand: Command = {
  name: 'respond',
  summary: 'Answer one request.',
  args: ['<dir>', '<id>', '<json>'],
  description: [
    'Writes <json> as the answer to request <id>; the waiting process gets it within milliseconds. The first',
    'answer wins: answering a request that already has an answer, was cancelled or expired exits with 6,',
    "an unknown id with 3. '-' reads the JSON from stdin.",
    dirHelp,
  ].join('\n'),
  options: {
    durable: { type: 'boolean', description: 'fsync the response file and its directory before returning' },
  },
  examples: [
    `fipc respond run 3f0c2a9e-7d1b-4c55-9a63-2b1d5e8f9a10 '{"approved":true}'`,
    `fipc pending run --json | jq -r '.id' | xargs -I{} fipc respond run {} '{"approved":false}'`,
  ],
  async run({ positionals: [dir, id, json], values }, context) {
    const payload = await jsonArgument(json!, '<json>', context.stdin);
    if (!existsSync(dir!)) throw new CliError('NOT_FOUND', `no such directory: ${dir}`);
    const { respond } = await import('@fipc/requests');
    await respond(directoryArgument(dir!), id!, payload, { durability: values.durable ? 'fsync' : 'none' });
    return ExitCode.OK;
  },
};
