import type { Readable, Writable } from 'node:stream';

/**
 * Where a command reads and writes, and when it must stop. `runCli` builds it from {@link CliOptions}.
 *
 * @example
 * const run = async (parsed: Parsed, { out, signal }: Context) => {
 *   while (!signal.aborted) await out(await nextLine());
 *   return 0;
 * };
 */
export interface Context {
  /** Writes one line to stdout, waiting while the stream is full. */
  out(line: string): Promise<void>;
  /** Writes a `fipc: ` diagnostic line to stderr. */
  warn(message: string): void;
  /** Read when a JSON argument is `-`. */
  stdin: Readable;
  /** The environment the command sees (`FIPC_TOKEN`, `NO_COLOR`, ...). */
  env: NodeJS.ProcessEnv;
  /** Aborted by SIGINT/SIGTERM (when `runCli` was given them) or when stdout is closed by its reader. */
  signal: AbortSignal;
  /** Whether stdout takes ANSI colours. */
  color: boolean;
}

/**
 * Options of {@link runCli}: everything a command touches, so it can run inside another program or a test.
 *
 * @example
 * const status = await runCli(['tail', 'run/events.jsonl', '--json'], { stdout: myWritable });
 */
export interface CliOptions {
  /** @default process.stdout */
  stdout?: Writable & {
    /** Whether it is a terminal (colours are used only then). */
    isTTY?: boolean;
  };
  /** @default process.stderr */
  stderr?: Writable;
  /** Read when a JSON argument is `-`. @default process.stdin */
  stdin?: Readable;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Stops long-running commands (`tail --follow`, `state watch`, `serve`, a waiting `request`). */
  signal?: AbortSignal;
  /**
   * ANSI colours in human-readable output.
   * @default stdout is a terminal and `NO_COLOR` is unset or empty
   */
  color?: boolean;
}

/**
 * Builds the {@link Context} of one run; `dispose` removes its listeners, `outputFailed` tells whether stdout
 * failed for another reason than its reader going away (disk full, I/O error).
 */
export function createContext(
  options: CliOptions,
): Context & { dispose(): void; readonly outputFailed: boolean } {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const stop = new AbortController();
  const outer = options.signal;
  const onAbort = () => stop.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  if (outer?.aborted) onAbort();
  // A reader that went away (`fipc tail log | head -1`) is not an error: stop quietly.
  let broken = false;
  let outputFailed = false;
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') {
      stderr.write(`fipc: cannot write to stdout: ${error.message}\n`);
      outputFailed = true;
    }
    broken = true;
    stop.abort(error);
  };
  stdout.on('error', onError);

  return {
    async out(line) {
      if (broken) return;
      if (stdout.write(`${line}\n`)) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          stdout.off('drain', done);
          stop.signal.removeEventListener('abort', done);
          resolve();
        };
        stdout.on('drain', done);
        stop.signal.addEventListener('abort', done);
      });
    },
    warn: (message) => stderr.write(`fipc: ${message}\n`),
    stdin: options.stdin ?? process.stdin,
    env,
    signal: stop.signal,
    color: options.color ?? (Boolean(stdout.isTTY) && !env.NO_COLOR),
    get outputFailed() {
      return outputFailed;
    },
    dispose() {
      outer?.removeEventListener('abort', onAbort);
      stdout.off('error', onError);
    },
  };
}
