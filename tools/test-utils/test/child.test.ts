import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runTs, spawnTs, waitFor } from '../src/index.js';

const fixture = (name: string) => new URL(`./fixtures/${name}.ts`, import.meta.url).pathname;
// Running, as Linux tells: a killed child not yet reaped by whoever adopted it is a zombie ('Z'), not alive.
const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
};

describe('Child', () => {
  // Node documents that stdio may still be open at 'exit'; this machine delivers the data first, so these two
  // guard the contract of `exited` and `waitForLine` rather than reproduce the race.
  it('has read all of stdout once it has exited, however much was still in the pipe', async () => {
    for (let run = 0; run < 2; run++) {
      const child = await runTs(fixture('loud'), ['200000']);
      expect(child.lines).toHaveLength(200_001);
      expect(child.lines.at(-1)).toBe('last');
    }
  });

  it('waitForLine finds a line printed just before the exit, then reports the exit for a line never printed', async () => {
    const child = spawnTs(fixture('loud'), ['100000']);
    expect(await child.waitForLine((line) => line === 'last')).toBe('last');
    await expect(child.waitForLine((line) => line === 'never')).rejects.toThrow(/child exited/);
  });

  it('kills the children a process leaves running when it exits, as after a failed test', async () => {
    const parent = spawnTs(fixture('leaves-a-child'));
    const line = await parent.waitForLine((l) => l.startsWith('child '));
    expect((await parent.exited).code).toBe(1);
    const pid = Number(line.slice('child '.length));
    await waitFor(() => !alive(pid), { timeoutMs: 10_000, what: `child ${pid} to die` });
  });
});
