import { join } from 'node:path';
import { formatIssues, type OnSkip, type RequestSchemas, requestSchemasProblem, validate } from '@fipc/core';
import { RequestError } from './errors.js';
import { requestName } from './names.js';
import type { RequestHandler } from './serve.js';

/**
 * The one handler a responder runs: `handlers` itself, or the handler of the request's `kind`, with the kind's
 * payload validated before it runs (its output is what the handler gets) and its answer validated after (its
 * output is written). A request of a kind nobody serves, or whose payload the schema rejects, is bad input: told
 * to `onSkip` and answered with an error (`MALFORMED_REQUEST`, `SCHEMA_MISMATCH`). An answer the schema rejects
 * is the handler's failure: answered with a `SCHEMA_MISMATCH` error.
 */
export function dispatcher(
  handlers: RequestHandler | Readonly<Record<string, RequestHandler>>,
  requests: RequestSchemas | undefined,
  onSkip: OnSkip | undefined,
  dir: string,
): RequestHandler {
  if (typeof handlers === 'function' && !requests) return handlers;
  const own = <T>(map: Readonly<Record<string, T>> | undefined, kind: string | undefined) =>
    map && kind !== undefined && Object.hasOwn(map, kind) ? map[kind] : undefined;
  return async (payload, context) => {
    const { id, kind } = context;
    const bad = (code: 'MALFORMED_REQUEST' | 'SCHEMA_MISMATCH', message: string, cause?: unknown) => {
      const path = join(dir, requestName(id));
      onSkip?.({ reason: message, path, cause });
      return new RequestError(code, message, { requestId: id, path, cause });
    };
    const handler = typeof handlers === 'function' ? handlers : own(handlers, kind);
    const schemas = own(requests, kind);
    if (!handler || (requests && !schemas))
      throw bad(
        'MALFORMED_REQUEST',
        `request "${id}" has kind ${JSON.stringify(kind)}, which is not served here`,
      );
    if (!schemas) return handler(payload, context);
    const given = await validate(schemas.payload, payload);
    if (given.issues)
      throw bad(
        'SCHEMA_MISMATCH',
        `the payload of "${id}" does not match the schema of "${kind}": ${formatIssues(given.issues)}`,
        given.issues,
      );
    const answer = await validate(schemas.answer, await handler(given.value, context));
    if (!answer.issues) return answer.value;
    const detail = formatIssues(answer.issues);
    throw new RequestError(
      'SCHEMA_MISMATCH',
      `the answer to "${id}" does not match the schema of "${kind}": ${detail}`,
      {
        requestId: id,
        cause: answer.issues,
      },
    );
  };
}

/** Checks a contract's `requests` map before anything runs. Throws `INVALID_OPTIONS`. */
export function checkKinds(requests: RequestSchemas | undefined): void {
  const problem = requests && requestSchemasProblem(requests);
  if (problem) throw new RequestError('INVALID_OPTIONS', problem);
}
