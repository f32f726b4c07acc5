// Writes a few events and follows them as they arrive, as two processes would: run with `pnpm example`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventLog, tailEvents } from '@fipc/events';
import { z } from 'zod';

const path = join(mkdtempSync(join(tmpdir(), 'fipc-example-')), 'events.jsonl');
const log = openEventLog(path, {
  instanceId: 'example',
  events: { progress: z.object({ percent: z.number() }), completed: z.object({}) },
});

const stop = new AbortController();
const follower = (async () => {
  for await (const { record, offset } of tailEvents(path, { signal: stop.signal })) {
    console.log(`@${offset} ${record.event_type} ${JSON.stringify(record.data)}`);
    if (record.event_type === 'completed') stop.abort();
  }
})();

for (const percent of [0, 25, 50, 75, 100]) {
  await log.emit('progress', { phase: 'work', data: { percent } });
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await log.emit('completed');
await follower;
await log.close();
console.log(`log: ${path}`);
