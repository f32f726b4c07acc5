import { join } from 'node:path';
import { RequestError, requestError } from './errors.js';
import type { Responder } from './responder.js';
import { scheduleSweep } from './sweep.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Renews the responder's leases every `leaseMs / 3` (one `futimes` of its heartbeat), and at each renewal
 * aborts the handlers whose claim another responder took over or whose request got an outcome elsewhere
 * (a cancel, an expiry), then sweeps in the background. Returns the stop.
 */
export function startRenewal(responder: Responder): () => void {
  const { path, heartbeat, settings } = responder;
  const renew = () => {
    try {
      heartbeat.renew();
    } catch (error) {
      settings.onError(requestError(error, join(path, heartbeat.name)), undefined);
    }
    for (const [id, { generation, controller }] of responder.running) {
      if (heartbeat.lost(id, generation)) {
        controller.abort(
          new RequestError('ALREADY_ANSWERED', `request "${id}" was taken over by another responder`, {
            requestId: id,
          }),
        );
      } else responder.checkRunning(id);
    }
    scheduleSweep(path, settings.retentionMs, settings.onSkip);
  };
  const timer = setInterval(renew, Math.min(MAX_TIMER_MS, Math.max(1, Math.floor(settings.leaseMs / 3))));
  return () => clearInterval(timer);
}
