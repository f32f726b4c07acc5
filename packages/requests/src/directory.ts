import { lstatSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { RequestError, requestError } from './errors.js';

/**
 * The name of the requests directory inside an instance directory.
 *
 * @example
 * const files = readdirSync(join('runs/run-1', REQUESTS_DIRNAME)); // 'input-requests'
 */
export const REQUESTS_DIRNAME = 'input-requests';
/**
 * Our temp files and responder heartbeats live in this private subdirectory, so that watchers of the
 * requests directory are woken only by the files that matter (requests, leases, responses).
 */
export const PRIVATE_DIRNAME = '.tmp';

const checkedPrivate = new Set<string>();

/**
 * The directory that holds the files: `<dir>/input-requests`, or `dir` itself when it is already named
 * `input-requests` (so both the instance directory and the requests directory can be passed).
 *
 * @example
 * const dir = requestsDirectory('runs/run-1'); // '/abs/path/runs/run-1/input-requests'
 */
export function requestsDirectory(dir: string): string {
  const absolute = resolve(dir);
  return basename(absolute) === REQUESTS_DIRNAME ? absolute : join(absolute, REQUESTS_DIRNAME);
}

/**
 * Resolves and checks the requests directory, creating it (and missing parents) with mode 0700 when `create`,
 * and its private subdirectory (0700) in any case.
 * Refuses a symlink, a non-directory, a directory writable by group or others, or one owned by another user:
 * anyone who can write there could answer for us or plant links.
 */
export function openDirectory(dir: string, create: boolean): string {
  const path = requestsDirectory(dir);
  let stats = lstatOrUndefined(path);
  if (!stats && create) {
    try {
      mkdirSync(path, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw requestError(error, path);
    }
    stats = lstatOrUndefined(path);
  }
  if (!stats) throw new RequestError('NOT_FOUND', `no requests directory at ${path}`, { path });
  if (stats.isSymbolicLink()) throw unsafe(path, 'is a symbolic link');
  if (!stats.isDirectory()) throw unsafe(path, 'is not a directory');
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) throw unsafe(path, `is owned by uid ${stats.uid}, not ${uid}`);
  if (stats.mode & 0o022) {
    throw unsafe(path, `is writable by group or others (mode ${(stats.mode & 0o777).toString(8)})`);
  }
  if (!checkedPrivate.has(path)) {
    const priv = join(path, PRIVATE_DIRNAME);
    try {
      mkdirSync(priv, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw requestError(error, priv);
    }
    const privStats = lstatOrUndefined(priv);
    if (!privStats?.isDirectory() || privStats.isSymbolicLink()) throw unsafe(priv, 'is not a directory');
    checkedPrivate.add(path);
  }
  return path;
}

function unsafe(path: string, why: string): RequestError {
  return new RequestError('UNSAFE_DIRECTORY', `refusing requests directory ${path}: it ${why}`, { path });
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw requestError(error, path);
  }
}
