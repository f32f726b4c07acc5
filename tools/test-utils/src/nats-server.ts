import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { tempDir, waitFor } from './fs.js';

/** Where nats-server is: /usr/sbin (Debian's package) or the PATH; undefined when it is not installed. */
export function natsServerBinary(): string | undefined {
  const dirs = ['/usr/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(':')];
  return dirs.map((dir) => join(dir, 'nats-server')).find((path) => existsSync(path));
}

let warned = false;

/** The reason to skip a suite that needs a real server (printed once), or undefined when there is one. */
export function natsSkipReason(): string | undefined {
  if (natsServerBinary()) return undefined;
  const reason = 'nats-server is not installed (apt-get install nats-server): skipping the NATS tests';
  if (!warned) console.warn(reason);
  warned = true;
  return reason;
}

/**
 * A real nats-server with JetStream, on an ephemeral port of 127.0.0.1 and a temp store, stopped when the
 * test finishes. `kill9` and `start` again keep the port and the store: a crash and a restart.
 */
export class NatsServer {
  readonly dir: string;
  port = -1;
  #child: ChildProcess | undefined;

  /** A server keeping its ports file and store in `dir` (not started yet); outside tests, stop it yourself. */
  constructor(dir: string) {
    this.dir = dir;
  }

  /** Starts a server for the current test, stopped when the test finishes. */
  static async start(): Promise<NatsServer> {
    const server = new NatsServer(tempDir('fipc-nats-'));
    onTestFinished(() => server.stop());
    await server.start();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Starts the server (again): on an ephemeral port the first time, on the same port after. */
  async start(): Promise<void> {
    const portsDir = join(this.dir, 'ports');
    rmSync(portsDir, { recursive: true, force: true });
    mkdirSync(portsDir);
    // `-p 0` would mean 4222: -1 asks for an ephemeral port, written to the ports file.
    const args = ['-js', '-a', '127.0.0.1', '-p', String(this.port), '--ports_file_dir', portsDir];
    const child = spawn(natsServerBinary()!, [...args, '-sd', join(this.dir, 'store')], { stdio: 'ignore' });
    this.#child = child;
    child.on('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    const file = await waitFor(() => readdirSync(portsDir).find((name) => name.endsWith('.ports')), {
      what: 'the nats-server ports file',
    });
    const url = await waitFor(() => {
      try {
        return (JSON.parse(readFileSync(join(portsDir, file!), 'utf8')) as { nats: string[] }).nats[0];
      } catch {
        return undefined;
      }
    });
    this.port = Number(new URL(url!).port);
  }

  /** SIGKILL, as a crash would; resolves once the process is gone. */
  async kill9(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  stop(): Promise<void> {
    return this.kill9();
  }
}
