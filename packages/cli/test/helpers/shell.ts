import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsNodeArgs } from '@fipc/test-utils';

const bin = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

// A `fipc` executable on PATH, as an installed package would provide, running the TypeScript source.
const binDir = mkdtempSync(join(tmpdir(), 'fipc-bin-'));
writeFileSync(
  join(binDir, 'fipc'),
  `#!/bin/sh\nexec ${[process.execPath, ...tsNodeArgs, bin].map(quote).join(' ')} "$@"\n`,
);
chmodSync(join(binDir, 'fipc'), 0o755);

/** Environment of every shell: `fipc` on PATH, UTC times, no colour forced either way. */
export function shellEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { NO_COLOR: _, FORCE_COLOR: __, ...env } = process.env;
  return { ...env, PATH: `${binDir}:${env.PATH}`, TZ: 'UTC', ...extra };
}

export interface ShellResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `bash -c script`, with its output collected. */
export class Shell {
  readonly process: ChildProcess;
  stdout = '';
  stderr = '';
  readonly done: Promise<ShellResult>;

  constructor(script: string, options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}) {
    this.process = spawn('bash', ['-c', script], { cwd: options.cwd, env: shellEnv(options.env) });
    this.process.stdout!.setEncoding('utf8').on('data', (text: string) => {
      this.stdout += text;
    });
    this.process.stderr!.setEncoding('utf8').on('data', (text: string) => {
      this.stderr += text;
    });
    this.process.stdin!.end(options.input ?? '');
    this.done = new Promise((resolve) =>
      this.process.on('close', (code, signal) =>
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }),
      ),
    );
  }

  /** Complete stdout lines so far. */
  get lines(): string[] {
    return this.stdout.split('\n').slice(0, -1);
  }
}

/** Runs `bash -c script` to its end. */
export function sh(
  script: string,
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<ShellResult> {
  return new Shell(script, options).done;
}

/** Quotes a value for a shell script. */
export { quote };

/** Whether process `pid` holds `path` open (Linux `/proc`): a follower is ready once it has its file open. */
export function holdsOpen(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}
