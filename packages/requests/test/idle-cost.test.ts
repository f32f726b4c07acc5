import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveRequests } from '@fipc/requests';
import { type Child, spawnTs, tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { sleep } from './helpers.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', `${name}.ts`);

/** Writes a request in the original's format (no waiter behind it), atomically. */
function writeRequest(box: string, id: string): void {
  const record = { request_id: id, schema: {}, requested_at: new Date().toISOString() };
  writeFileSync(join(box, `.${id}.tmp`), JSON.stringify(record));
  renameSync(join(box, `.${id}.tmp`), join(box, `${id}.json`));
}

/** The heartbeat in `.tmp` that lease file `lease` is a link of. */
function heartbeatOf(box: string, lease: string): string {
  const { ino } = statSync(lease);
  const name = readdirSync(join(box, '.tmp')).find((n) => statSync(join(box, '.tmp', n)).ino === ino);
  return join(box, '.tmp', name!);
}

const canStrace = spawnSync('strace', ['-V']).status === 0;

/** The filesystem syscalls (opens, links, stats, listings) process `pid` makes in `ms`, counted by strace. */
async function fileSyscalls(pid: number, ms: number): Promise<number> {
  const trace = 'openat,link,linkat,statx,newfstatat,lstat,stat,getdents64,unlink';
  const strace = spawn('strace', ['-c', '-f', '-e', `trace=${trace}`, '-p', String(pid)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let report = '';
  strace.stderr.setEncoding('utf8').on('data', (text: string) => (report += text));
  const exited = new Promise((resolve) => strace.on('close', resolve));
  await sleep(ms);
  strace.kill('SIGINT');
  await exited;
  const total = report.split('\n').find((line) => /\btotal\s*$/.test(line));
  if (!total) return 0; // no call traced at all: strace prints an empty table
  const numbers = total.trim().split(/\s+/).slice(0, -1).map(Number);
  return numbers.length >= 4 ? numbers[3]! : numbers[2]!;
}

describe('serveRequests: idle cost', () => {
  it('does not look again at a claim another live responder holds before it may expire; a hint about it does', async () => {
    const dir = tempDir();
    const box = join(dir, 'input-requests');
    const stopHolder = new AbortController();
    let holding = false;
    const holder = serveRequests(
      dir,
      (_payload, { signal }) => {
        holding = true;
        return new Promise((resolve) => signal.addEventListener('abort', resolve));
      },
      { signal: stopHolder.signal, leaseMs: 60_000 },
    );
    writeRequest(box, 'q');
    await waitFor(() => holding, { what: 'the holder to claim q' });

    const stopIdle = new AbortController();
    const taken: string[] = [];
    const idle = serveRequests(
      dir,
      (_payload, { id }) => {
        taken.push(id);
        return 'taken over';
      },
      { signal: stopIdle.signal, pollMs: 20 },
    );
    await sleep(200); // it has seen q held, until a minute from now
    // The holder's heartbeat made to look a minute stale (through its own name, as renewals touch it, so no
    // hint names q). A responder that looked at held claims at every poll would take q over at once.
    const stale = new Date(Date.now() - 120_000);
    utimesSync(heartbeatOf(box, join(box, 'q.lease-1')), stale, stale);
    await sleep(600);
    expect(taken).toEqual([]);

    // A hint naming q (its lease touched through its own name) is looked at: expired, so taken over.
    utimesSync(join(box, 'q.lease-1'), stale, stale);
    await waitFor(() => taken.length > 0, { what: 'the takeover after the hint' });
    expect(taken).toEqual(['q']);
    stopIdle.abort();
    stopHolder.abort();
    await Promise.all([idle, holder]);
  });

  it.skipIf(!canStrace)(
    'an idle responder beside 300 requests held by a live responder makes only a few filesystem calls per poll',
    async () => {
      const dir = tempDir();
      const box = join(dir, 'input-requests');
      const children: Child[] = [];
      try {
        const holder = spawnTs(fixture('responder'), [dir, '60000', '600000', '300', '1000']);
        children.push(holder);
        await holder.waitForLine((l) => l === 'ready');
        for (let i = 0; i < 300; i++) writeRequest(box, `q${i}`);
        await waitFor(() => holder.lines.filter((l) => l.startsWith('H ')).length === 300, {
          what: 'the holder to hold all 300',
          timeoutMs: 60_000,
        });
        const idle = spawnTs(fixture('responder'), [dir, '60000', '0', '8', '50']);
        children.push(idle);
        await idle.waitForLine((l) => l === 'ready');
        await sleep(2_500); // its first look at each held request, and the directory settled
        // 20 polls in a second: a stat or two each. Looking at every held request at every poll would be
        // thousands of calls (a link, lstats and a read of each lease).
        expect(await fileSyscalls(idle.process.pid!, 1_000)).toBeLessThan(150);
        expect(idle.lines.filter((l) => l.startsWith('H '))).toEqual([]);
      } finally {
        for (const child of children) child.process.kill('SIGTERM');
        await Promise.all(children.map((child) => child.exited));
      }
    },
  );
});
