import { statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { CliError } from './errors.js';

/**
 * Parses a JSON argument; `-` reads it from stdin. A parse failure is an `INVALID_DATA` error naming `what`.
 */
export async function jsonArgument(text: string, what: string, stdin: Readable): Promise<unknown> {
  const source = text === '-' ? await readAll(stdin) : text;
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new CliError('INVALID_DATA', `${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Like {@link jsonArgument}, and the value must be a JSON object. */
export async function jsonObjectArgument(
  text: string,
  what: string,
  stdin: Readable,
): Promise<Record<string, unknown>> {
  const value = await jsonArgument(text, what, stdin);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError('INVALID_DATA', `${what} must be a JSON object, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A whole number >= 0, or a usage error. */
export function integerArgument(text: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value <= max))
    throw new CliError('USAGE', `${what} must be a whole number from 0 to ${max}, got "${text}"`);
  return value;
}

/** A positive number of seconds (fractions allowed), returned in milliseconds. */
export function secondsArgument(text: string, what: string): number {
  const value = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0 && value * 1000 <= 2 ** 31 - 1)) {
    throw new CliError('USAGE', `${what} must be a positive number of seconds, got "${text}"`);
  }
  return Math.ceil(value * 1000);
}

/** The rule of {@link instanceFile}, for the commands' help. */
export const PATH_RULE = [
  "A bare name (no extension: run-1, runs/run-1), an existing directory or a path ending in '/' is an",
  'instance directory, created when writing; any other path (run-1/events.jsonl, s.json) is that file.',
].join('\n');

/**
 * An instance directory argument (`fipc request`, `pending`, `respond`): an existing file there is refused
 * rather than misread.
 */
export function directoryArgument(path: string): string {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats && !stats.isDirectory()) {
    throw new CliError('USAGE', `${path} is a file, not an instance directory`);
  }
  return path;
}

/**
 * The log a `<log>` argument names (PROTOCOL.md section 1): see {@link instanceFile}.
 *
 * @example
 * logPath('run-1'); // 'run-1/events.jsonl' (a bare name is an instance directory)
 */
export function logPath(path: string): string {
  return instanceFile(path, 'events.jsonl');
}

/** The snapshot a `<file>` argument names: see {@link instanceFile}. */
export function statePath(path: string): string {
  return instanceFile(path, 'state.json');
}

/**
 * The one rule every command applies to a path argument, so a bare name means the same thing to each: an
 * existing directory, a path ending in `/` and a name without an extension that does not exist yet
 * (`run-1`, `runs/run-1`) are an instance directory, meaning the `name` file inside it; anything else
 * (`run-1/events.jsonl`, `s.json`, an existing file) is that file.
 */
export function instanceFile(path: string, name: string): string {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (path.endsWith('/') || stats?.isDirectory()) return join(path, name);
  return stats || extname(path) ? path : join(path, name);
}

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk;
  return text;
}
