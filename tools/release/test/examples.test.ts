import { describe, expect, it } from 'vitest';
import { codeBlocks, installedPackages, normalizeOutput } from '../src/examples.js';

describe('check-examples: README code blocks', () => {
  it('finds fenced blocks with their language and line, and a skip marker only right above a fence', () => {
    const markdown = [
      '# x',
      '```ts',
      "console.log('a');",
      '```',
      '',
      '<!-- check-examples: skip installs packages -->',
      '',
      '```sh',
      'npm install zod',
      '```',
      '~~~JS',
      '```not a fence end',
      '~~~',
    ].join('\n');
    expect(codeBlocks(markdown)).toEqual([
      { lang: 'ts', line: 2, code: "console.log('a');", skip: undefined },
      { lang: 'sh', line: 8, code: 'npm install zod', skip: 'installs packages' },
      { lang: 'js', line: 11, code: '```not a fence end', skip: undefined },
    ]);
  });

  it('refuses a marker without a reason, an unknown directive, a marker not above a block, an open fence', () => {
    expect(() => codeBlocks('<!-- check-examples: skip -->\n```sh\nls\n```')).toThrow(/line 1: expected/);
    expect(() => codeBlocks('<!-- check-examples: skp x -->\n```sh\nls\n```')).toThrow(/expected/);
    expect(() => codeBlocks('<!-- check-examples: skip why -->\ntext\n```sh\nls\n```')).toThrow(
      /line 1: the check-examples marker is not followed by a code block/,
    );
    expect(() => codeBlocks('```sh\nls\n')).toThrow(/line 1: the code block is not closed/);
  });

  it('reads the packages of npm install lines, not a global install', () => {
    expect(installedPackages('npm install @fipc/events zod@^4 # typed\nnpm i -D tsx\nls')).toEqual([
      '@fipc/events',
      'zod@^4',
      'tsx',
    ]);
    expect(installedPackages('npm install --global @fipc/cli')).toEqual([]);
  });

  it('normalises what differs between two runs: times, ids, ports, temp paths', () => {
    const text =
      '{"timestamp":"2026-11-24T10:00:00.123Z"} 10:00:00.123 id 3f0c2a9e-7d1b-4c55-9a63-2b1d5e8f9a10 ' +
      'sse 0a1b2c3d4e5f-152 http://127.0.0.1:40123/ /tmp/run-AbC12 took 12 ms';
    expect(normalizeOutput(text)).toBe(
      '{"timestamp":"<time>"} <clock> id <uuid> sse <epoch>-152 http://127.0.0.1:<port>/ <tmp> took <ms>',
    );
  });
});
