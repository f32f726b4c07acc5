import { appendFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEventLog, tailEvents } from '@fipc/events';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { follow } from './helpers.js';

const record = (type: string) =>
  `{"schema_version":1,"timestamp":"2026-01-01T00:00:00.000Z","instance_id":"i","event_type":"${type}","phase":null,"data":{}}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tailEvents', () => {
  it("from: 'end' and from: <offset> on an existing log", async () => {
    const path = join(tempDir(), 'events.jsonl');
    writeFileSync(path, `${record('a')}\n${record('b')}\n${record('partial').slice(0, 10)}`);
    const end = follow(path, 'end');
    const offset = follow(path, record('a').length + 1);
    await sleep(100);
    appendFileSync(path, `${record('partial').slice(10)}\n${record('c')}\n`);
    await waitFor(() => end.entries.length >= 1 && offset.entries.length >= 3, { what: 'records' });
    await Promise.all([end.stop(), offset.stop()]);
    // 'end' is the end of the last complete line: the line being written when the tail began comes first.
    expect(end.types()).toEqual(['partial', 'c']);
    expect(offset.types()).toEqual(['b', 'partial', 'c']);
    expect(offset.entries[0]!.offset).toBe(record('a').length + 1);
  });

  it('holds a partial line until its newline arrives', async () => {
    const path = join(tempDir(), 'events.jsonl');
    writeFileSync(path, '');
    const tail = follow(path);
    const line = record('late');
    appendFileSync(path, line.slice(0, 30));
    await sleep(200);
    appendFileSync(path, line.slice(30));
    await sleep(700); // more than the safety poll: nothing is yielded before the newline
    expect(tail.entries).toEqual([]);
    appendFileSync(path, '\n');
    await waitFor(() => tail.entries.length === 1, { what: 'the record' });
    await tail.stop();
    expect(tail.entries[0]).toMatchObject({ offset: 0, nextOffset: line.length + 1 });
    expect(tail.skipped).toEqual([]);
  });

  it('an offset past the end belongs to an earlier, longer file: starts at 0 and tells onReset', async () => {
    const path = join(tempDir(), 'events.jsonl');
    writeFileSync(path, `${record('a')}\n`);
    const tail = follow(path, 10_000);
    await waitFor(() => tail.entries.length === 1, { what: 'the record' });
    await tail.stop();
    expect(tail.types()).toEqual(['a']);
    expect(tail.resets).toEqual([{ reason: 'truncated', previousOffset: 10_000 }]);
  });

  it('an offset inside the unfinished last line skips that line once it ends', async () => {
    const path = join(tempDir(), 'events.jsonl');
    writeFileSync(path, `${record('a')}\n${record('b').slice(0, 20)}`);
    const from = record('a').length + 1 + 5;
    const tail = follow(path, from);
    await sleep(100);
    appendFileSync(path, `${record('b').slice(20)}\n${record('c')}\n`);
    await waitFor(() => tail.entries.length === 1, { what: 'record c' });
    await tail.stop();
    expect(tail.types()).toEqual(['c']);
    expect(tail.skipped).toEqual([
      { offset: from, length: record('b').length - 5, reason: 'from is not a line start', path },
    ]);
  });

  it('an offset at the end of an unfinished last line waits for its end without taking it for a truncation', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const half = `${record('a')}\n${record('b').slice(0, 20)}`;
    writeFileSync(path, half);
    const tail = follow(path, half.length);
    await sleep(700); // a safety poll wakes the follower with nothing new
    appendFileSync(path, `${record('b').slice(20)}\n${record('c')}\n`);
    await waitFor(() => tail.entries.length === 1, { what: 'record c' });
    await tail.stop();
    expect(tail.types()).toEqual(['c']);
    expect(tail.resets).toEqual([]);
  });

  it('sees a truncation even when the log grew past the old position before the follower looked', async () => {
    const path = join(tempDir(), 'events.jsonl');
    writeFileSync(path, `${record('a')}\n${record('b')}\n`);
    const tail = follow(path);
    await waitFor(() => tail.entries.length === 2, { what: 'a and b' });
    await sleep(100);
    // Truncate and rewrite longer in one go: this process cannot run the follower in between.
    writeFileSync(path, `${record('x1')}\n${record('x2')}\n${record('x3')}\n`);
    await waitFor(() => tail.entries.length === 5, { what: 'the new records' });
    await sleep(100);
    await tail.stop();
    expect(tail.types()).toEqual(['a', 'b', 'x1', 'x2', 'x3']);
    expect(tail.resets.map((r) => r.reason)).toEqual(['truncated']);
    expect(tail.skipped).toEqual([]);
  });

  it('drops a partial line held across a truncate-and-regrow with a reset, never gluing a record no writer wrote', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const cut = record('aaa').indexOf('"phase"'); // just after "event_type":"aaa",
    writeFileSync(path, `${record('a1')}\n${record('aaa').slice(0, cut)}`);
    const tail = follow(path);
    await waitFor(() => tail.entries.length === 1, { what: 'a1' });
    await sleep(200); // the follower has read the partial line and holds it
    // Truncated and written again past the held bytes in one go (the follower cannot look in between). The
    // bytes after the held ones would complete "aaa", and a newline still ends the line before them.
    writeFileSync(path, `${record('b1')}\n${record('bbb')}\n${record('ccc')}\n`);
    await waitFor(() => tail.types().includes('ccc'), { what: 'the new records' });
    await tail.stop();
    expect(tail.types()).toEqual(['a1', 'b1', 'bbb', 'ccc']);
    expect(tail.resets).toEqual([{ reason: 'truncated', previousOffset: record('a1').length + 1 + cut }]);
    expect(tail.skipped).toEqual([
      { reason: 'log truncated before the line ended', path, offset: record('a1').length + 1, length: cut },
    ]);
  });

  it('reports a truncation through onReset and reads the log again from 0', async () => {
    const path = join(tempDir(), 'events.jsonl');
    const log = openEventLog(path);
    await log.emit('a');
    await log.emit('b');
    const tail = follow(path);
    await waitFor(() => tail.entries.length === 2, { what: 'a and b' });
    truncateSync(path, 0);
    await waitFor(() => tail.resets.length === 1, { what: 'the reset' });
    await log.emit('c');
    await waitFor(() => tail.entries.length === 3, { what: 'c' });
    await tail.stop();
    await log.close();
    expect(tail.resets).toEqual([{ reason: 'truncated', previousOffset: tail.entries[1]!.nextOffset }]);
    expect(tail.entries[2]!.offset).toBe(0);
  });

  it('releases its poll timer when aborted while the consumer holds the iterator', async () => {
    const path = join(tempDir(), 'events.jsonl');
    writeFileSync(path, `${record('a')}\n`);
    // The directory watch is core's, shared and unreferenced: it never keeps the process alive.
    const active = (kind: string) => process.getActiveResourcesInfo().filter((r) => r === kind).length;
    const [watchers, timers] = [active('FSEventWrap'), active('Timeout')];
    const controller = new AbortController();
    const iterator = tailEvents(path, { signal: controller.signal });
    expect((await iterator.next()).value?.record.event_type).toBe('a');
    expect(active('Timeout')).toBeGreaterThan(timers); // the safety poll
    controller.abort(); // the consumer never calls next() again
    await sleep(50);
    expect(active('FSEventWrap')).toBeLessThanOrEqual(watchers);
    expect(active('Timeout')).toBeLessThanOrEqual(timers);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('refuses bad options with INVALID_OPTIONS', async () => {
    await expect(tailEvents('x', { from: -1 }).next()).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(tailEvents('x', { pollMs: 0 }).next()).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });
});
