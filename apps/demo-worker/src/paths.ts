import { join } from 'node:path';

/** Where a run's files live inside its instance directory (see PROTOCOL.md section 1). */
export function runPaths(dir: string) {
  return { events: join(dir, 'events.jsonl'), state: join(dir, 'state.json') };
}
