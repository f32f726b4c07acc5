import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EventEntry, openEventLog, type Skip } from '@fipc/events';
import { runTs, spawnTs, tempDir, tsNodeArgs, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { follow, readAll } from './helpers.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('several processes appending to one log', () => {
  it('8 writers x 5,000 records of 10 B to 64 KiB: every line parses, per-writer order holds, count exact', async () => {
    const path = join(tempDir(), 'events.jsonl');
    await Promise.all(
      Array.from({ length: 8 }, (_, w) => runTs(fixture('append-random.ts'), [path, `${w}`, '5000'])),
    );
    const all = readFileSync(path, 'utf8').split('\n');
    expect(all.pop()).toBe(''); // ends with a newline
    // A writer that opens the log while another one's large write is still landing sees a last byte that is
    // not a newline and starts on a fresh line, as it would after a crash: an empty line, which readers skip.
    const lines = all.filter((line) => line !== '');
    expect(all.length - lines.length).toBeLessThan(8);
    expect(lines).toHaveLength(40_000);
    const next = new Array<number>(8).fill(0);
    for (const line of lines) {
      const { instance_id, data } = JSON.parse(line); // throws on any split or interleaved record
      expect(instance_id).toBe(`writer-${data.w}`);
      expect(data.i).toBe(next[data.w]);
      next[data.w]! += 1;
    }
    expect(next).toEqual(new Array(8).fill(5000));
    const { entries, skipped } = await readAll(path);
    expect(skipped).toEqual([]);
    expect(entries).toHaveLength(40_000);
    expect(entries.at(-1)!.nextOffset).toBe(statSync(path).size);
  }, 300_000);
});

describe('a writer killed with kill -9 mid-stream', () => {
  it('leaves only fragments readers skip; reopened and still-open logs append cleanly after them', async () => {
    const path = join(tempDir(), 'events.jsonl');
    let torn = 0;
    let glued = 0;
    for (let round = 0; round < 30; round++) {
      const start = existsSync(path) ? statSync(path).size : 0;
      const survivor = openEventLog(path, { instanceId: 'survivor' }); // open before the crash
      const child = spawnTs(fixture('append-forever.ts'), [path, `${round}`]);
      await child.waitForLine((l) => l === 'started');
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 60));
      await child.kill9();
      const bytes = lastByte(path);
      if (bytes !== 10) torn += 1;
      // The open writer glues its record to a fragment; readers must recover it.
      const kept = await survivor.emit('survivor', { data: { round } });
      if (bytes !== 10) glued += 1;
      await survivor.close();
      const fresh = openEventLog(path, { instanceId: 'fresh' });
      await fresh.emit('fresh', { data: { round } });
      await fresh.close();
      const { entries, skipped } = await readAll(path, start);
      for (const { record } of entries) expect(['big', 'survivor', 'fresh']).toContain(record.event_type);
      const mine = entries.filter((e) => e.record.data.round === round);
      expect(mine.map((e) => e.record.event_type)).toEqual(['survivor', 'fresh']);
      expect(mine[0]!.nextOffset - mine[0]!.offset).toBeLessThanOrEqual(kept.bytes);
      // Every skipped span is a fragment of a big record, never one of ours.
      for (const c of skipped) expect(c.length).toBeLessThan(16 * 1024 * 1024);
    }
    const { entries, skipped } = await readAll(path);
    expect(entries.filter((e) => e.record.event_type !== 'big')).toHaveLength(60);
    expect(skipped.length).toBeGreaterThanOrEqual(torn);
    console.log(`kill -9: ${torn} of 30 kills left a torn record, ${glued} records were glued to one`);
  }, 600_000);
});

describe('a follower while another process appends', () => {
  const check = (entries: EventEntry[], count: number) => {
    expect(entries.map((e) => e.record.data.i)).toEqual(Array.from({ length: count }, (_, i) => i));
  };

  it('gets exactly 10,000 records written in bursts and pauses', async () => {
    const path = join(tempDir(), 'late', 'events.jsonl'); // neither the file nor its directory exist yet
    const tail = follow(path);
    await runTs(fixture('append-bursts.ts'), [path, '10000']);
    await waitFor(() => tail.entries.length >= 10_000, { timeoutMs: 30_000, what: '10,000 records' });
    await new Promise((resolve) => setTimeout(resolve, 200)); // would show a duplicate
    await tail.stop();
    check(tail.entries, 10_000);
    expect(tail.skipped).toEqual([]);
    expect(tail.resets).toEqual([]);
  }, 120_000);

  it('survives 5 truncations, reporting each through onReset', async () => {
    const path = join(tempDir(), 'events.jsonl');
    writeFileSync(path, '');
    const tail = follow(path);
    const writer = spawnTs(fixture('append-bursts.ts'), [path, '10000', '--truncate-every', '2000']);
    for (let k = 1; k < 5; k++) {
      await writer.waitForLine((l) => l === `ready ${k * 2000}`, 60_000);
      await waitFor(() => tail.entries.length >= k * 2000, {
        timeoutMs: 30_000,
        what: `${k * 2000} records`,
      });
      writer.process.stdin!.write('go\n');
    }
    await writer.waitForLine((l) => l === 'done', 60_000);
    await waitFor(() => tail.entries.length >= 10_000, { timeoutMs: 30_000, what: '10,000 records' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await tail.stop();
    check(tail.entries, 10_000);
    expect(tail.resets.map((r) => r.reason)).toEqual(['truncated', 'truncated', 'truncated', 'truncated']);
    expect(tail.skipped).toEqual([]);
  }, 120_000);

  it('survives 20 rotations, draining each old file before the new one', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const tail = follow(path);
    const writer = spawnTs(fixture('append-bursts.ts'), [path, '10500', '--rotate-every', '500']);
    for (let k = 1; k <= 20; k++) {
      await writer.waitForLine((l) => l === `ready ${k * 500}`, 60_000);
      // Rotate again only once the follower is into the current file (past the previous rotation).
      await waitFor(() => tail.entries.length > (k - 1) * 500, {
        timeoutMs: 30_000,
        what: 'follower in file',
      });
      writer.process.stdin!.write('go\n');
    }
    await writer.waitForLine((l) => l === 'done', 60_000);
    await waitFor(() => tail.entries.length >= 10_500, { timeoutMs: 30_000, what: '10,500 records' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await tail.stop();
    check(tail.entries, 10_500);
    expect(tail.resets.map((r) => r.reason)).toEqual(new Array(20).fill('rotated'));
    expect(tail.skipped).toEqual([]);
  }, 180_000);
});

describe('a log full of bad lines and a 100 MiB line without newline', () => {
  it('delivers the later valid records while the follower memory stays bounded', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const record = (i: number) =>
      `${JSON.stringify({ schema_version: 1, timestamp: new Date().toISOString(), instance_id: 'x', event_type: 'ok', phase: null, data: { i } })}\n`;
    writeFileSync(path, `${record(0)}garbage here\n{"half":\n[1,2]\n`);
    appendFileSync(
      path,
      Buffer.concat([Buffer.from('{"a":"\0"}\n'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 10])]),
    );
    appendFileSync(path, record(1));
    const child = spawnTs(fixture('tail-memory.ts'), [path, '5']);
    await child.waitForLine((l) => l === 'tailing');
    const mib = Buffer.alloc(1024 * 1024, 'q');
    for (let m = 0; m < 100; m++) appendFileSync(path, mib); // the follower sees it grow without a newline
    appendFileSync(
      path,
      `\n${record(2)}{"ts":"2026-01-01T00:00:00+00:00","id":"py","type":"short","data":{"i":3}}\n`,
    );
    appendFileSync(path, record(4));
    const line = await child.waitForLine((l) => l.startsWith('result '), 120_000);
    const { records, skipped, rssGrowth } = JSON.parse(line.slice('result '.length));
    expect(records).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }, { i: 4 }]);
    expect(skipped.map((c: Skip) => c.reason)).toEqual([
      'invalid JSON',
      'invalid JSON',
      'not a JSON object',
      'invalid JSON',
      'invalid UTF-8',
      'line longer than maxLineBytes',
    ]);
    expect(skipped.at(-1).length).toBe(100 * 1024 * 1024);
    console.log(`100 MiB line: follower RSS grew by ${(rssGrowth / 1024 / 1024).toFixed(1)} MiB`);
    expect(rssGrowth).toBeLessThan(40 * 1024 * 1024);
  }, 180_000);
});

describe('tailEvents in a child process', () => {
  it('waits for a missing file, then starts at its beginning even with from: end', async () => {
    const path = join(tempDir(), 'not', 'yet', 'events.jsonl');
    const child = spawnTs(fixture('tail-print.ts'), [path, '--from', 'end', '--count', '3']);
    await child.waitForLine((l) => l === 'tailing');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const log = openEventLog(path);
    for (let i = 0; i < 3; i++) await log.emit('n', { data: { i } });
    await log.close();
    await child.waitForLine((l) => l.startsWith('ended'));
    expect(child.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l).i)).toEqual([0, 1, 2]);
    expect(await child.exited).toEqual({ code: 0, signal: null });
  });

  it('exits by itself after aborting a waiting tail: no watcher, timer or file handle left', async () => {
    const dir = tempDir();
    const existing = join(dir, 'events.jsonl');
    const log = openEventLog(existing);
    await log.emit('n', { data: { i: 0 } });
    await log.close();
    for (const path of [existing, join(dir, 'missing', 'events.jsonl')]) {
      const child = spawnTs(fixture('tail-print.ts'), [path, '--abort-after-ms', '300']);
      const exit = await Promise.race([
        child.exited,
        new Promise((resolve) => setTimeout(() => resolve('still running'), 20_000)),
      ]);
      if (exit === 'still running') await child.kill9();
      expect(exit).toEqual({ code: 0, signal: null });
      const ended = child.lines.find((l) => l.startsWith('ended '))!;
      const resources: string[] = JSON.parse(ended.slice('ended '.length));
      expect(resources.filter((r) => /FSEvent|Timeout|FileHandle|Interval/.test(r))).toEqual([]);
    }
  });
});

describe('fsync durability', () => {
  it.skipIf(!hasStrace())(
    'resolves each emit only after an fdatasync that covers it, one sync per batch',
    async () => {
      const path = join(tempDir(), 'events.jsonl');
      const trace = join(tempDir(), 'trace');
      execFileSync(
        'strace',
        [
          '-f',
          '-qq',
          '-s',
          '1000000', // whole strings: a write may hold several records (those emitted during a sync)
          '-e',
          'trace=write,fdatasync',
          '-o',
          trace,
          process.execPath,
          ...tsNodeArgs,
          fixture('append-fsync.ts'),
          path,
          '20',
        ],
        { stdio: 'pipe' },
      );
      const calls = readFileSync(trace, 'utf8').split('\n');
      // With -f a call may be split into `fdatasync(7 <unfinished ...>` and `<... fdatasync resumed>) = 0`:
      // a sync covers the records written before it started, and counts once it returned.
      let written = 0;
      let starting = 0;
      let covered = 0;
      let syncs = 0;
      let writes = 0;
      for (const call of calls) {
        if (/write\(\d+, "\{\\"schema_version/.test(call)) {
          const records = call.match(/\\n/g)?.length ?? 0;
          written += records;
          writes += 1;
        }
        if (/fdatasync\(\d+/.test(call)) starting = written;
        if (/fdatasync(\(\d+| resumed>)\)\s+= 0/.test(call)) {
          covered = starting;
          syncs += 1;
        }
        if (/write\(1, "resolved/.test(call)) expect(covered, call).toBe(written);
      }
      expect(written).toBe(20 * 64);
      const { entries } = await readAll(path);
      expect(entries).toHaveLength(20 * 64);
      console.log(
        `fsync: 1280 durable emits in batches of 64 used ${syncs} fdatasync calls and ${writes} writes`,
      );
      expect(syncs).toBeLessThanOrEqual(20 * 3);
      // The records emitted while a sync ran are written together when it ends: not one write per record.
      expect(writes).toBeLessThanOrEqual(20 * 3);
    },
  );
});

function hasStrace(): boolean {
  try {
    execFileSync('strace', ['-V'], { stdio: 'pipe' });
    return true;
  } catch {
    console.log('strace is not installed: the fsync syscall-order test skips');
    return false;
  }
}

function lastByte(path: string): number | undefined {
  const bytes = readFileSync(path);
  return bytes.at(-1);
}
