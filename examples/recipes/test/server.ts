import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsNodeArgs } from '@fipc/test-utils';
import { onTestFinished } from 'vitest';

export const here = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

// The binaries the `bun` and `deno` npm packages install; their node_modules/.bin shims run them as a child
// process, which would take the SIGTERM meant for the server.
const binaries = { bun: 'node_modules/bun/bin/bun.exe', deno: 'node_modules/deno/deno' };

/** A runtime's binary from this package's node_modules (`npm i bun`, `npm i deno`), or why it cannot run. */
export function runtime(name: 'bun' | 'deno'): { bin: string } | { skip: string } {
  const bin = here(binaries[name]);
  if (!existsSync(bin)) return { skip: `${name} is not installed (${binaries[name]} is missing)` };
  try {
    execFileSync(bin, ['--version'], { stdio: 'ignore', timeout: 60_000 });
    return { bin };
  } catch (error) {
    return { skip: `${bin} --version failed: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** How each kind of recipe is started: the command and its arguments before the file. */
export const runners = {
  node: () => ({ bin: process.execPath, args: tsNodeArgs }),
  bun: () => {
    const found = runtime('bun');
    return 'skip' in found ? found : { bin: found.bin, args: ['--conditions=@fipc/source'] };
  },
  // No --allow-sys: fipc must not ask for the host name or uid (Deno would refuse).
  deno: () => {
    const found = runtime('deno');
    return 'skip' in found
      ? found
      : {
          bin: found.bin,
          args: [
            'run',
            '--quiet',
            '--sloppy-imports',
            '--conditions=@fipc/source',
            '--allow-net=127.0.0.1',
            '--allow-read',
            '--allow-write',
            '--allow-env',
          ],
        };
  },
};

export interface Server {
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a recipe as its own process on 127.0.0.1, port 0, and waits for its `listening on URL` line. */
export async function start(
  runner: { bin: string; args: string[] },
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<Server> {
  const child = spawn(runner.bin, [...runner.args, file], {
    cwd: here('.'),
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start in 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${file} exited before listening:\n${output}`));
    });
  });
  return { url, child, output: () => output, exited };
}
