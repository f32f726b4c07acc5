import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Command, commandHelp, type Parsed } from './command.js';
import { completion } from './commands/completion.js';
import { emit } from './commands/emit.js';
import { gc } from './commands/gc.js';
import { ls } from './commands/ls.js';
import { natsMirror, natsMirrorState, natsShip, natsShipState } from './commands/nats.js';
import { natsForwardRequests, natsServeRequests } from './commands/nats-requests.js';
import { pending, requestCommand, respondCommand } from './commands/requests.js';
import { serve } from './commands/serve.js';
import { stateGet, stateSet, stateWatch } from './commands/state.js';
import { tail } from './commands/tail.js';
import { type CliOptions, type Context, createContext } from './context.js';
import { CliError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { toCliError } from './user-error.js';

/**
 * Every command, in the order `fipc --help` lists them.
 *
 * @example
 * for (const command of commands) console.log(`fipc ${command.name}: ${command.summary}`);
 */
export const commands: readonly Command[] = [
  emit,
  tail,
  stateGet,
  stateSet,
  stateWatch,
  requestCommand,
  pending,
  respondCommand,
  serve,
  natsShip,
  natsMirror,
  natsShipState,
  natsMirrorState,
  natsServeRequests,
  natsForwardRequests,
  completion,
  ls,
  gc,
];

const groups = [...new Set(commands.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!))];

function generalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: fipc <command> [arguments] [options]',
    '',
    'Drive and inspect the files of processes that talk through the filesystem: JSONL event logs,',
    'state.json snapshots, input-requests/ directories (see PROTOCOL.md).',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'fipc <command> --help' for a command's options and an example.",
    '',
    'Exit status:',
    ...Object.entries(ExitCode).map(([name, code]) => `  ${String(code).padStart(3)}  ${exitMeaning[name]}`),
    '',
    'Output is coloured only when stdout is a terminal and NO_COLOR is not set.',
    '',
  ].join('\n');
}

const exitMeaning: Record<string, string> = {
  OK: 'success',
  FAILED: 'other failure (permission denied, disk full, an unexpected error)',
  USAGE: 'bad arguments',
  NOT_FOUND: 'a file, directory or request does not exist',
  INVALID_DATA: 'invalid JSON, or JSON of the wrong shape',
  TIMEOUT: 'timed out',
  REJECTED: 'rejected, cancelled, expired or already answered',
  INTERRUPTED: 'interrupted by SIGINT or SIGTERM',
};

function version(): string {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return version as string;
}

/** Finds the command named by the first words of `argv`. */
function find(argv: string[]): { command: Command; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const command = commands.find((c) => c.name === argv.slice(0, words).join(' '));
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

function parse(command: Command, argv: string[]): Parsed & { help: boolean } {
  const options = Object.fromEntries(
    Object.entries(command.options).map(([name, { type, short, multiple = false }]) => [
      name,
      short ? { type, short, multiple } : { type, multiple },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    if (!(error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) throw error;
    throw new CliError('USAGE', (error as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
  const { help, ...values } = parsed.values;
  if (help) return { positionals: [], values, help: true };
  const required = command.args.filter((arg) => arg.startsWith('<'));
  if (parsed.positionals.length < required.length) {
    throw new CliError('USAGE', `missing ${required.slice(parsed.positionals.length).join(' ')}`);
  }
  if (parsed.positionals.length > command.args.length) {
    throw new CliError('USAGE', `unexpected argument "${parsed.positionals[command.args.length]}"`);
  }
  return { positionals: parsed.positionals, values, help: false };
}

/**
 * Runs one `fipc` command line (without `node` and the script) and resolves with its exit status. User errors
 * are printed on stderr as one message, never with a stack trace; it does not throw.
 *
 * @example
 * import { runCli } from '@fipc/cli';
 * process.exitCode = await runCli(['emit', 'run/events.jsonl', 'started', '--phase', 'plan']);
 */
export async function runCli(argv: readonly string[], options: CliOptions = {}): Promise<number> {
  const context = createContext(options);
  const args = [...argv];
  let prefix = 'fipc';
  let helpHint = "Run 'fipc --help' for usage.";
  try {
    const first = args[0];
    if (
      first === undefined ||
      first === '-h' ||
      first === '--help' ||
      (first === 'help' && args.length === 1)
    ) {
      if (first !== undefined) {
        await context.out(generalHelp().trimEnd());
        return ExitCode.OK;
      }
      context.warn(`missing command\n\n${generalHelp()}`);
      return ExitCode.USAGE;
    }
    if (first === '-V' || first === '--version') {
      await context.out(version());
      return ExitCode.OK;
    }
    if (first === 'help') return await runCli([...args.slice(1), '--help'], options);
    const found = find(args);
    if (!found) {
      if (groups.includes(first)) return await groupHelp(first, args[1], context);
      throw new CliError('USAGE', `unknown command "${first}"`);
    }
    const { command, rest } = found;
    prefix = `fipc ${command.name}`;
    helpHint = `Run '${prefix} --help' for usage.`;
    const parsed = parse(command, rest);
    if (parsed.help) {
      await context.out(commandHelp(command).trimEnd());
      return ExitCode.OK;
    }
    const status = (await command.run(parsed, context)) ?? ExitCode.OK;
    return context.outputFailed ? ExitCode.FAILED : status;
  } catch (thrown) {
    const error = toCliError(thrown);
    const stderr = options.stderr ?? process.stderr;
    if (!error) {
      const debug = Boolean(context.env.FIPC_DEBUG);
      const detail =
        debug && thrown instanceof Error ? thrown.stack : String((thrown as Error)?.message ?? thrown);
      stderr.write(`${prefix}: unexpected error: ${detail}\n`);
      if (!debug) stderr.write('Set FIPC_DEBUG=1 to see the stack trace, and please report this as a bug.\n');
      return ExitCode.FAILED;
    }
    stderr.write(`${prefix}: ${error.message}\n`);
    if (error.code === 'USAGE') stderr.write(`${helpHint}\n`);
    return error.exitCode;
  } finally {
    context.dispose();
  }
}

async function groupHelp(group: string, sub: string | undefined, context: Context): Promise<number> {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  const text = [
    `Usage: fipc ${group} <${members.map((c) => c.name.split(' ')[1]).join('|')}> ...`,
    '',
    ...members.map((c) => `  fipc ${c.name.padEnd(16)} ${c.summary}`),
    '',
  ].join('\n');
  if (sub === '--help' || sub === '-h') {
    await context.out(text.trimEnd());
    return ExitCode.OK;
  }
  throw new CliError(
    'USAGE',
    `${sub === undefined ? `missing ${group} command` : `unknown ${group} command "${sub}"`}: expected ${members.map((c) => c.name).join(', ')}`,
  );
}
