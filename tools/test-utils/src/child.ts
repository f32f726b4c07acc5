import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Node flags that run a TypeScript file against the workspace sources, as the tests do. */
export const tsNodeArgs = ['--import', tsx, '--conditions=@fipc/source'];

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

// Children still running when this process exits (a test that failed before it stopped its child) die with it,
// so a failed run leaves no stray process behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A child process running a TypeScript file, with its output collected; killed if still running at our exit. */
export class Child {
  readonly process: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  #listeners = new Set<() => void>();

  constructor(file: string, args: string[] = [], options: SpawnOptions = {}) {
    this.process = spawn(process.execPath, [...tsNodeArgs, file, ...args], { stdio: 'pipe', ...options });
    running.add(this.process);
    this.process.once('exit', () => running.delete(this.process));
    this.process.stdout?.setEncoding('utf8').on('data', (text: string) => {
      this.stdout += text;
      for (const listener of this.#listeners) listener();
    });
    this.process.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderr += text;
    });
    // 'exit' can come before the last of stdout is read; 'close' comes after it. A grandchild that kept the pipe
    // open would hold 'close' back, so 'exit' still settles it a little later.
    this.exited = new Promise((resolve) => {
      this.process.on('close', (code, signal) => resolve({ code, signal }));
      this.process.on('exit', (code, signal) => setTimeout(() => resolve({ code, signal }), 2000).unref());
    });
  }

  /** Complete stdout lines so far. */
  get lines(): string[] {
    return this.stdout.split('\n').slice(0, -1);
  }

  /** Resolves with the first stdout line matching `test`; rejects if the child ends without printing one. */
  waitForLine(test: (line: string) => boolean, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (error: Error | undefined, line = '') => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#listeners.delete(check);
        if (error) reject(error);
        else resolve(line);
      };
      const check = () => {
        const line = this.lines.find(test);
        if (line !== undefined) settle(undefined, line);
      };
      const timer = setTimeout(
        () =>
          settle(
            new Error(
              `no matching line in ${timeoutMs} ms; stdout: ${this.stdout.slice(-500)} stderr: ${this.stderr.slice(-2000)}`,
            ),
          ),
        timeoutMs,
      );
      this.#listeners.add(check);
      void this.exited.then(() => {
        check();
        settle(new Error(`child exited; stderr: ${this.stderr.slice(-2000)}`));
      });
      check();
    });
  }

  /** SIGKILL, as a crash would. */
  kill9(): Promise<Exit> {
    this.process.kill('SIGKILL');
    return this.exited;
  }
}

/** Spawns `file` (TypeScript) in a fresh Node process. */
export function spawnTs(file: string, args: string[] = [], options: SpawnOptions = {}): Child {
  return new Child(file, args, options);
}

/** Runs `file` to completion; rejects if it exits non-zero or by a signal. */
export async function runTs(file: string, args: string[] = [], options: SpawnOptions = {}): Promise<Child> {
  const child = new Child(file, args, options);
  const { code, signal } = await child.exited;
  if (code !== 0) throw new Error(`${file} exited with ${code ?? signal}: ${child.stderr.slice(-4000)}`);
  return child;
}
