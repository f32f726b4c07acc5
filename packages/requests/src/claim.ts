import { join } from 'node:path';
import { responseErrorInfo } from '@fipc/core';
import type { RequestError } from './errors.js';
import { entryExists } from './files.js';
import { requestName, responseName } from './names.js';
import { expiresAt, type RequestRecord } from './records.js';
import { BAD_REQUEST_CODES, readRequest } from './request-file.js';
import type { Responder } from './responder.js';

/** A request this responder holds the lease of, ready for its handler. */
export interface Claim {
  id: string;
  generation: number;
  request: RequestRecord;
}

/**
 * Claims request `id` and reads it, or returns undefined when there is nothing to handle: someone else holds
 * it, it has a response, it is gone, or it ended here (expired, or not a request: answered with an error and
 * told to `onSkip`). Whenever no handler is to run, the lease just made is removed again, so a claim is never
 * left behind without a handler; a failure to read is thrown (for `onError`) with the request pending again.
 */
export function claimRequest(responder: Responder, id: string, takeOver: boolean): Claim | undefined {
  const { path, heartbeat } = responder;
  // A hint may be the request's removal; a request found by a rescan may have been answered since.
  if (takeOver ? hasResponse(path, id) : !entryExists(join(path, requestName(id)))) return undefined;
  const generation = heartbeat.claim(id, takeOver, (lease) => responder.held.examine(id, join(path, lease)));
  if (generation === undefined) return undefined;
  let claim: Claim | undefined;
  try {
    claim = readClaimed(responder, id, generation);
    return claim;
  } finally {
    if (!claim) heartbeat.unclaim(id, generation);
  }
}

function readClaimed(responder: Responder, id: string, generation: number): Claim | undefined {
  const { path, settings } = responder;
  if (hasResponse(path, id)) return undefined; // answered between the check and the claim
  let request: RequestRecord;
  try {
    request = readRequest(path, id, settings.maxBytes);
  } catch (error) {
    const { code, message } = error as RequestError;
    if (code === 'NOT_FOUND') return undefined; // the hint was the request's removal
    if (!BAD_REQUEST_CODES.has(code)) throw error;
    settings.onSkip?.({ reason: message, path: join(path, requestName(id)), cause: error });
    responder.publish(id, { status: 'answered', error: responseErrorInfo(error) }, undefined);
    return undefined;
  }
  if (Date.now() < expiresAt(request)) return { id, generation, request };
  responder.publish(id, { status: 'expired' }, request);
  return undefined;
}

const hasResponse = (path: string, id: string) => entryExists(join(path, responseName(id)));
