import { basename, dirname, resolve } from 'node:path';
import { logPath, statePath } from '../arguments.js';
import type { Command, OptionSpec } from '../command.js';
import type { Context } from '../context.js';
import { CliError, type CliErrorCode } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

type Nats = typeof import('@fipc/nats');
type Connection = Awaited<ReturnType<Nats['connectNats']>>;

/** The options every `fipc nats` command takes. */
export const connectionOptions: Record<string, OptionSpec> = {
  server: {
    type: 'string',
    value: 'URL',
    description: 'the NATS server (default: $NATS_URL, else nats://127.0.0.1:4222)',
  },
  instance: {
    type: 'string',
    value: 'ID',
    description: "the instance id (default: the instance directory's name)",
  },
};

/**
 * Loads `@fipc/nats` (an optional peer: the CLI runs without it), connects, runs `bridge` until SIGINT or
 * SIGTERM, then closes the connection. Library errors become CLI errors.
 */
export async function runBridge(
  context: Context,
  values: Record<string, unknown>,
  bridge: (nats: Nats, nc: Connection) => Promise<unknown>,
): Promise<number> {
  const nats = await loadNats();
  const server = (values.server as string | undefined) ?? context.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const slow = setTimeout(() => context.warn(`waiting for the NATS server at ${server}`), 3000);
  let nc: Connection;
  try {
    nc = await nats.connectNats(server);
  } catch (error) {
    throw natsCliError(error);
  } finally {
    clearTimeout(slow);
  }
  try {
    await bridge(nats, nc);
  } catch (error) {
    throw natsCliError(error);
  } finally {
    await nc.close();
  }
  return ExitCode.OK;
}

async function loadNats(): Promise<Nats> {
  try {
    return await import('@fipc/nats');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new CliError('FAILED', "'fipc nats' needs @fipc/nats: npm install @fipc/nats");
  }
}

const exitCodes: Partial<Record<string, CliErrorCode>> = {
  INVALID_OPTIONS: 'USAGE',
  INVALID_ID: 'USAGE',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_JSON: 'INVALID_DATA',
  SCHEMA_MISMATCH: 'INVALID_DATA',
  TIMEOUT: 'TIMEOUT',
  ABORTED: 'INTERRUPTED',
};

function natsCliError(error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== 'NatsBridgeError') return error;
  const code = (error as Error & { code: string }).code;
  return new CliError(exitCodes[code] ?? 'FAILED', `${error.message} (${code})`, { cause: error });
}

/** The instance a path belongs to: `--instance`, else the name of its instance directory. */
export const instanceOf = (values: Record<string, unknown>, file: string) =>
  (values.instance as string | undefined) ?? basename(dirname(resolve(file)));

const pathHelp = (what: string) =>
  `<${what === 'events.jsonl' ? 'log' : 'state'}> is the file, or an instance directory meaning its ${what}; the instance id defaults to that directory's name.`;

/** `fipc nats ship`: ships a log to JetStream. */
export const natsShip: Command = {
  name: 'nats ship',
  summary: 'Ship a log to NATS JetStream, exactly once, until interrupted.',
  args: ['<log>'],
  description: [
    'Publishes each record of <log> (raw bytes, batched when behind) to the stream FIPC_EVENTS, subject',
    'fipc.events.<instance>, resuming exactly after what the stream holds; follows the log as it grows and',
    "when it is rotated. Another host rebuilds it with 'fipc nats mirror'. Runs until SIGINT or SIGTERM.",
    pathHelp('events.jsonl'),
  ].join('\n'),
  options: connectionOptions,
  examples: ['fipc nats ship runs/run-1 --server nats://hub:4222'],
  async run({ positionals: [given], values }, context) {
    const path = logPath(given!);
    return runBridge(context, values, (nats, nc) =>
      nats.shipEvents(path, { nc, instanceId: instanceOf(values, path), signal: context.signal }),
    );
  },
};

/** `fipc nats mirror`: rebuilds a log from JetStream. */
export const natsMirror: Command = {
  name: 'nats mirror',
  summary: 'Rebuild a log shipped to NATS, byte-identical, and follow it.',
  args: ['<log>'],
  description: [
    "Writes the log that 'fipc nats ship' publishes for the instance to <log>, byte for byte (same SSE ids",
    "on both sides), resuming after a crash from the file's size; every local tool (fipc tail, fipc serve)",
    'works on the copy. A record missing from the stream stops it with an error (a hole), writing nothing',
    'past it. A new epoch (the source was rotated) replaces the copy. Runs until SIGINT or SIGTERM.',
    pathHelp('events.jsonl'),
  ].join('\n'),
  options: {
    ...connectionOptions,
    fsync: { type: 'boolean', description: 'fsync each message before the next' },
  },
  examples: ['fipc nats mirror replica/run-1/ --server nats://hub:4222 & fipc serve replica/run-1'],
  async run({ positionals: [given], values }, context) {
    const path = logPath(given!);
    return runBridge(context, values, (nats, nc) =>
      nats.mirrorEvents(path, {
        nc,
        instanceId: instanceOf(values, path),
        signal: context.signal,
        durability: values.fsync ? 'fsync' : 'none',
        onRotate: ({ epoch }) => context.warn(`${path}: the source was rotated; new epoch ${epoch}`),
        onSkip: ({ reason }) => context.warn(reason),
      }),
    );
  },
};

/** `fipc nats ship-state`: ships a state.json to a KV bucket. */
export const natsShipState: Command = {
  name: 'nats ship-state',
  summary: 'Ship a state.json to a NATS KV bucket each time it is replaced.',
  args: ['<state>'],
  description: [
    'Puts the bytes of <state> in the KV bucket fipc-state, key = the instance, whenever it is replaced;',
    "'fipc nats mirror-state' writes them on another host. Runs until SIGINT or SIGTERM.",
    pathHelp('state.json'),
  ].join('\n'),
  options: connectionOptions,
  examples: ['fipc nats ship-state runs/run-1'],
  async run({ positionals: [given], values }, context) {
    const path = statePath(given!);
    return runBridge(context, values, (nats, nc) =>
      nats.shipState(path, {
        nc,
        instanceId: instanceOf(values, path),
        signal: context.signal,
        onSkip: ({ reason }) => context.warn(`${path}: ${reason}`),
      }),
    );
  },
};

/** `fipc nats mirror-state`: writes the shipped state.json on this host. */
export const natsMirrorState: Command = {
  name: 'nats mirror-state',
  summary: 'Write the state.json shipped to NATS, byte-identical, as it changes.',
  args: ['<state>'],
  description: [
    "Replaces <state> atomically with each snapshot 'fipc nats ship-state' puts in the bucket, byte for",
    "byte ('fipc state watch' works on the copy). Runs until SIGINT or SIGTERM.",
    pathHelp('state.json'),
  ].join('\n'),
  options: { ...connectionOptions, fsync: { type: 'boolean', description: 'fsync each snapshot' } },
  examples: ['fipc nats mirror-state replica/run-1/'],
  async run({ positionals: [given], values }, context) {
    const path = statePath(given!);
    return runBridge(context, values, (nats, nc) =>
      nats.mirrorState(path, {
        nc,
        instanceId: instanceOf(values, path),
        signal: context.signal,
        durability: values.fsync ? 'fsync' : 'none',
        onSkip: ({ reason }) => context.warn(`${path}: ${reason}`),
      }),
    );
  },
};
