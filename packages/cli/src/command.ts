import type { Context } from './context.js';

/**
 * One option of a command, as `node:util` parseArgs takes it, with its help text.
 *
 * @example
 * const follow: OptionSpec = { type: 'boolean', short: 'f', description: 'keep printing records as they are appended' };
 */
export interface OptionSpec {
  /** `'string'` takes a value, `'boolean'` is a flag. */
  type: 'string' | 'boolean';
  /** One-letter alias, used as `-x`. */
  short?: string;
  /** May be given several times; the values are collected in an array. */
  multiple?: boolean;
  /** Shown in help as `--name <value>`. */
  value?: string;
  /** One line of help. */
  description: string;
}

/**
 * The parsed command line handed to a command.
 *
 * @example
 * const run = async ({ positionals: [log], values }: Parsed) => (values.json ? printJson(log) : printLines(log));
 */
export interface Parsed {
  /** The arguments that are not options, in order. */
  positionals: string[];
  /** The options by long name. */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

/**
 * A `fipc` subcommand: its help is generated from these fields.
 *
 * @example
 * const hello: Command = {
 *   name: 'hello', summary: 'greets', args: ['<name>'], description: 'Prints a greeting.', options: {},
 *   examples: ['fipc hello world'],
 *   run: async ({ positionals }, context) => (await context.out(`hello ${positionals[0]}`), 0),
 * };
 */
export interface Command {
  /** As typed: `tail`, `state get`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Positionals as shown in the usage line, `<log>` required, `[x]` optional. */
  args: string[];
  /** Longer explanation, plain text. */
  description: string;
  /** The options by long name (without `--`). */
  options: Record<string, OptionSpec>;
  /** Complete shell lines. */
  examples: string[];
  /** Resolves with the exit status (0 when nothing is returned); throws `CliError` for user errors. */
  run(parsed: Parsed, context: Context): Promise<number | undefined>;
}

/** The help text of one command. */
export function commandHelp(command: Command): string {
  const usage = `fipc ${command.name} ${command.args.join(' ')}${Object.keys(command.options).length ? ' [options]' : ''}`;
  const rows = Object.entries(command.options).map(([name, spec]) => [
    `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` <${spec.value}>` : ''}`,
    spec.description,
  ]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([flag]) => flag!.length));
  return [
    `Usage: ${usage}`,
    '',
    command.summary,
    '',
    command.description,
    '',
    'Options:',
    ...rows.map(([flag, text]) => `  ${flag!.padEnd(width)}  ${text}`),
    '',
    command.examples.length > 1 ? 'Examples:' : 'Example:',
    ...command.examples.map((line) => `  $ ${line}`),
    '',
  ].join('\n');
}
