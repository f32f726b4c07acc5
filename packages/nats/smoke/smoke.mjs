// Run by `pnpm smoke` against the packed @fipc/nats installed alone with npm (no server needed).
import assert from 'node:assert/strict';
import { idOfToken, NatsBridgeError, shipEvents, subjectToken } from '@fipc/nats';

assert.equal(subjectToken('eu.run_7 ü'), 'eu_2Erun_5F7_20_C3_BC');
assert.equal(idOfToken(subjectToken('eu.run_7 ü')), 'eu.run_7 ü');
await assert.rejects(
  shipEvents('events.jsonl', { nc: undefined, instanceId: 'run-1' }),
  (error) => error instanceof NatsBridgeError && error.code === 'INVALID_OPTIONS',
);
console.log('nats: subject tokens and typed errors ok');
