import { readdirSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * A retained segment of a rotated log: a former live file, renamed by a rotation (PROTOCOL.md 2.6).
 *
 * @example
 * const [oldest]: LogSegment[] = listSegments('run/events.jsonl');
 * console.log(oldest?.number, oldest?.path); // 1 /abs/run/events.000001.jsonl
 */
export interface LogSegment {
  /** From 1, one more than the newest segment at each rotation; never reused while a newer one exists. */
  number: number;
  /** Absolute path: `events.000007.jsonl` for `events.jsonl` (`<name>.000007` for a name without `.jsonl`). */
  path: string;
}

const EXTENSION = '.jsonl';

function parts(logPath: string): { dir: string; stem: string; extension: string } {
  const file = resolve(logPath);
  const name = basename(file);
  const extension = name.endsWith(EXTENSION) && name.length > EXTENSION.length ? EXTENSION : '';
  return { dir: dirname(file), stem: name.slice(0, name.length - extension.length), extension };
}

/**
 * The path of segment `number` of the log: the number in at least 6 digits before `.jsonl`.
 *
 * @example
 * segmentPath('run/events.jsonl', 7); // '/abs/run/events.000007.jsonl'
 */
export function segmentPath(logPath: string, number: number): string {
  const { dir, stem, extension } = parts(logPath);
  return join(dir, `${stem}.${String(number).padStart(6, '0')}${extension}`);
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The log's retained segments, oldest first (by number). Only names are read: a name that matches but is
 * not a regular file is refused later by whoever opens it. A missing directory has none.
 *
 * @example
 * for (const { path } of listSegments('run/events.jsonl')) for await (const entry of readEvents(path)) show(entry);
 */
export function listSegments(logPath: string): LogSegment[] {
  const { dir, stem, extension } = parts(logPath);
  const pattern = new RegExp(`^${literal(stem)}\\.(\\d{6,15})${literal(extension)}$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const segments: LogSegment[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (match) segments.push({ number: Number(match[1]), path: join(dir, name) });
  }
  return segments.sort((a, b) => a.number - b.number);
}

/**
 * Where a file once read as the log is now, told by {@link locateLogFile}: still the `live` file at the
 * path; a retained `segment`; `moved` elsewhere (renamed by something else than a rotation, or deleted).
 *
 * @example
 * const where: LogFileLocation = locateLogFile('run/events.jsonl', fstatSync(fd));
 * if (where.kind === 'segment') console.log(`now segment ${where.segment.number}`);
 */
export type LogFileLocation =
  | { kind: 'live' }
  | { kind: 'segment'; segment: LogSegment }
  | { kind: 'moved'; deleted: boolean };

const sameFile = (a: Stats, b: Stats) => a.ino === b.ino && a.dev === b.dev;

/**
 * Where the file whose `fstat` is `stats` is now, relative to the log at `logPath`: one `stat` of the path
 * while it is still there, a look through the segments (newest first) once it is not.
 *
 * @example
 * if (locateLogFile(path, fstatSync(fd)).kind !== 'live') waitForTheSeal();
 */
export function locateLogFile(logPath: string, stats: Stats): LogFileLocation {
  const current = statQuietly(logPath);
  if (current && sameFile(current, stats)) return { kind: 'live' };
  if (stats.nlink === 0) return { kind: 'moved', deleted: true };
  const segments = listSegments(logPath);
  for (let i = segments.length - 1; i >= 0; i--) {
    const found = statQuietly(segments[i]!.path);
    if (found && sameFile(found, stats)) return { kind: 'segment', segment: segments[i]! };
  }
  return { kind: 'moved', deleted: false };
}

/** `stat` without throwing: `undefined` when nothing (or nothing reachable) is at the path. */
export function statQuietly(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
