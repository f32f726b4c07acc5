import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  problem?: string;
}

/**
 * Runs a command in its own process group, as `check-examples` runs an example: kills the group after
 * `timeoutMs`, and anything still in it 3 s after the command exited, reporting either as a `problem`.
 */
export function runOnce(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let problem: string | undefined;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const group = (signal: NodeJS.Signals | 0) => {
      try {
        process.kill(-child.pid!, signal);
        return true;
      } catch {
        return false;
      }
    };
    const timer = setTimeout(() => {
      problem = `did not end within ${timeoutMs / 1000} s`;
      group('SIGKILL');
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      // Helpers that end with the process (tsx's esbuild service, a job the script waited for) get 3 s;
      // anything still in the group after that was left running by the example.
      const deadline = Date.now() + 3_000;
      const check = () => {
        if (group(0) && Date.now() < deadline) return void setTimeout(check, 50);
        if (group('SIGKILL') && !problem) problem = 'left a process running after it ended';
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({ code, stdout, stderr, ms: Date.now() - started, problem });
      };
      check();
    });
  });
}
