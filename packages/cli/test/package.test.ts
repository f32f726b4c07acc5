import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ExitCode, formatRecord, runCli } from '@fipc/cli';
import { tempDir, waitFor } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  return { stream, text: () => text };
}

describe('the package', () => {
  it('publishes a bin built to dist, with a node shebang', () => {
    const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
    expect(manifest.bin).toEqual({ fipc: './dist/bin.js' });
    expect(manifest.files).toContain('dist');
    expect(manifest.scripts.build).toMatch(/chmod \+x dist\/bin\.js/);
    expect(readFileSync(new URL('src/bin.ts', root), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(manifest.publishConfig.exports['.'].default).toBe('./dist/index.js');
  });
});

describe('runCli, embedded', () => {
  it('runs a command against given streams and resolves with the exit code', async () => {
    const log = join(tempDir(), 'events.jsonl');
    const out = capture();
    const err = capture();
    const io = { stdout: out.stream, stderr: err.stream };
    expect(await runCli(['emit', log, 'ping', '--data', '{"n":1}'], io)).toBe(ExitCode.OK);
    expect(await runCli(['tail', log, '--json'], io)).toBe(ExitCode.OK);
    expect(JSON.parse(out.text()).record).toMatchObject({ event_type: 'ping', data: { n: 1 } });
    expect(await runCli(['tail', `${log}.missing`], io)).toBe(ExitCode.NOT_FOUND);
    expect(err.text()).toBe(`fipc tail: no such log: ${log}.missing\n`);
  });

  it('stops a follower when its signal aborts', async () => {
    const log = join(tempDir(), 'events.jsonl');
    const out = capture();
    const stop = new AbortController();
    const running = runCli(['tail', log, '--follow'], {
      stdout: out.stream,
      stderr: new PassThrough(),
      signal: stop.signal,
    });
    await runCli(['emit', log, 'one'], { stdout: new PassThrough() });
    await waitFor(() => out.text().includes('one'), { timeoutMs: 120_000, what: 'the record' });
    stop.abort();
    expect(await running).toBe(ExitCode.OK);
  });

  it('formats a record for people, with colour on request', () => {
    const record = {
      schema_version: 1,
      timestamp: '2026-01-02T03:04:05.678Z',
      instance_id: 'r',
      event_type: 'failed',
      phase: 'deploy',
      data: { reason: 'x'.repeat(200), code: 3 },
    };
    const now = new Date('2026-01-02T12:00:00Z');
    const plain = formatRecord(record, { now });
    expect(plain).toMatch(/^\d\d:\d\d:05\.678 {2}failed {12}deploy {6}reason=x+…$/);
    expect(plain.length).toBeLessThan(150);
    expect(formatRecord(record, { color: true, now })).toContain('\x1b[31mfailed');
    expect(formatRecord(record, { now: new Date('2027-01-01T00:00:00Z') })).toMatch(/^2026-01-0\d /);
  });
});
