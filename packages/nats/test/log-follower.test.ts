import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogFollower } from '../src/log-follower.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A log of `count` lines of about 100 bytes; returns its path and the lines. */
function log(count: number) {
  const dir = mkdtempSync(join(tmpdir(), 'fipc-follower-'));
  dirs.push(dir);
  const lines = Array.from({ length: count }, (_, n) => `{"seq":${n},"pad":"${'x'.repeat(80)}"}\n`);
  const path = join(dir, 'events.jsonl');
  writeFileSync(path, lines.join(''));
  return { path, lines };
}

/** Counts the bytes every FileHandle read asks for. */
async function countReads() {
  const probe = await open(import.meta.filename);
  const proto = Object.getPrototypeOf(probe);
  await probe.close();
  const read = proto.read;
  const counter = { bytes: 0 };
  vi.spyOn(proto, 'read').mockImplementation(function (this: unknown, ...args: unknown[]) {
    counter.bytes += (args[2] as number | undefined) ?? 0;
    return read.apply(this, args);
  });
  return counter;
}

describe('LogFollower.read', () => {
  it('reads one line per batch with a one-byte batch, without reading a whole window per line', async () => {
    const { path, lines } = log(2_000);
    const size = lines.join('').length;
    const follower = new LogFollower(path);
    expect(await follower.ensureOpen()).toBe(true);
    const reads = await countReads();
    let offset = 0;
    const got: string[] = [];
    for (;;) {
      const batch = await follower.read(offset, 1, 1024 * 1024);
      if (!batch) break;
      expect(batch.lines).toBe(1);
      got.push(batch.data.toString());
      offset = batch.nextOffset;
    }
    await follower.close();
    expect(got).toEqual(lines);
    // Before: a 1 MiB window per line (about 1,000x the file's size here); now a 4 KiB chunk per line.
    expect(reads.bytes).toBeLessThanOrEqual((lines.length + 1) * 4096); // + the read that finds the end
    expect(reads.bytes / size).toBeLessThan(50);
  });

  it('fills a batch up to maxBytes in one read, and sends a longer first line alone', async () => {
    const { path, lines } = log(3_000);
    const follower = new LogFollower(path);
    await follower.ensureOpen();
    const reads = await countReads();
    const batch = (await follower.read(0, 64 * 1024, 1024 * 1024))!;
    let fit = 0;
    for (let bytes = 0; bytes + lines[fit]!.length <= 64 * 1024; fit++) bytes += lines[fit]!.length;
    expect(batch.lines).toBe(fit);
    expect(batch.data.toString()).toBe(lines.slice(0, batch.lines).join(''));
    expect(reads.bytes).toBe(64 * 1024);
    const one = (await follower.read(0, 10, 1024 * 1024))!;
    expect(one.lines).toBe(1);
    expect(one.nextOffset).toBe(lines[0]!.length);
    await follower.close();
  });
});
