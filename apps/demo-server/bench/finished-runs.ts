import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contract, runPaths } from '@fipc/demo-worker';
import { openEventLog } from '@fipc/events';
import { writeStateSync } from '@fipc/state';

/**
 * Fills `runsDir` with `count` finished runs as a real worker leaves them: `worker.json` (the server's record),
 * a short `events.jsonl` written by @fipc/events, and a terminal `state.json` written by @fipc/state. Ids sort
 * by time like the server's (`run-<ms in base 36><hex>`), one second apart, the newest last; returns them oldest
 * first.
 *
 * @example
 * const ids = await writeFinishedRuns(tempDir('runs-'), 300);
 */
export async function writeFinishedRuns(runsDir: string, count: number): Promise<string[]> {
  const start = Date.now() - count * 1000;
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const at = new Date(start + n * 1000);
    const id = `run-${at.getTime().toString(36)}${n.toString(16).padStart(6, '0')}`;
    const dir = join(runsDir, id);
    const paths = runPaths(dir);
    const title = `Release 1.${n}.0`;
    const pid = 4_194_304 + n; // above the largest pid_max: no process has it, as for a worker long gone
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(
      join(dir, 'worker.json'),
      `${JSON.stringify({ pid, title, spawned_at: at.toISOString() })}\n`,
    );
    const log = openEventLog(paths.events, { events: contract.events });
    await log.emit('started', { phase: 'plan', data: { title, pid } });
    await log.emit('phase', { phase: 'deploy', data: { name: 'deploy', label: 'Deploying' } });
    await log.emit('completed', { phase: 'deploy', data: { outcome: 'deployed', message: 'Deployed' } });
    await log.close();
    writeStateSync(
      paths.state,
      {
        title,
        status: 'completed',
        phase: 'deploy',
        percent: 100,
        message: `Deployed ${title}`,
        pid,
        request_id: null,
        started_at: at.toISOString(),
      },
      { schema: contract.state, instanceId: id },
    );
    ids.push(id);
  }
  return ids;
}
