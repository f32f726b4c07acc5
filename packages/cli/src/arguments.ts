import { statSync } from 'node:fs';
import { join } from 'node:path';
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

/** A log given as its instance directory means the `events.jsonl` inside it (PROTOCOL.md section 1). */
export function logPath(path: string): string {
  return inDirectory(path, 'events.jsonl');
}

/** A state file given as its instance directory means the `state.json` inside it. */
export function statePath(path: string): string {
  return inDirectory(path, 'state.json');
}

// A path ending in `/` names a directory even before it exists (a follower may wait for it).
function inDirectory(path: string, name: string): string {
  return path.endsWith('/') || statSync(path, { throwIfNoEntry: false })?.isDirectory()
    ? join(path, name)
    : path;
}

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk;
  return text;
}
