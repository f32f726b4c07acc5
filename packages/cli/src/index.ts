export { commands, runCli } from './cli.js';
export type { Command, OptionSpec, Parsed } from './command.js';
export type { CliOptions, Context } from './context.js';
export { CliError, type CliErrorCode } from './errors.js';
export { ExitCode } from './exit-codes.js';
export { formatRecord } from './format.js';
