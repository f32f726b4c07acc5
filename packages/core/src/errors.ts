/**
 * The error codes every package uses for the same condition. A package's own codes add to these; none renames
 * them. See the Conventions section of the README.
 *
 * @example
 * const retryLater = (code: CommonErrorCode) => code === 'DISK_FULL' || code === 'IO_ERROR';
 */
export type CommonErrorCode =
  /** `ENOSPC` or `EDQUOT`. */
  | 'DISK_FULL'
  /** Nothing at the path (or its directory is missing). */
  | 'NOT_FOUND'
  /** A symlink, directory, FIFO or device where a regular file must be; nothing was read or written through it. */
  | 'NOT_A_FILE'
  /** Any other failure of a file system call (permissions, read-only filesystem, too many open files, EIO). */
  | 'IO_ERROR'
  /** An option out of range or of the wrong type; thrown before anything is touched. */
  | 'INVALID_OPTIONS'
  /** The caller's `signal` aborted the operation. */
  | 'ABORTED'
  /** The bytes are not UTF-8 JSON (an empty file included). */
  | 'INVALID_JSON'
  /** A schema (or the protocol's own shape) rejected a value. */
  | 'SCHEMA_MISMATCH'
  /** The file is larger than the reader's limit. */
  | 'TOO_LARGE'
  /** A method was called after `close()`. */
  | 'CLOSED';

/**
 * What every fipc error carries besides its code and message.
 *
 * @example
 * const options: FipcErrorOptions = { path: 'run-1/state.json', cause: new Error('EIO') };
 */
export interface FipcErrorOptions {
  /** The original failure, such as the `ErrnoException` of a system call. */
  cause?: unknown;
  /** The file or directory the operation was about, when there is one. */
  path?: string;
}

/**
 * The base of every fipc error class: a `code` to branch on, a message for people, the `cause`, and the
 * `path` where one applies. Each package extends it with its own class name and codes.
 *
 * @example
 * try {
 *   readJsonFileSync('run-1/state.json');
 * } catch (error) {
 *   if (error instanceof FipcError && error.code === 'NOT_FOUND') console.log('not written yet');
 * }
 */
export class FipcError<Code extends string = string> extends Error {
  /** The class's name, so logs and `util.inspect` name it; each package's class sets its own. */
  override name = 'FipcError';
  /** What went wrong, to branch on; the message is for people. */
  readonly code: Code;
  /** The file or directory concerned, when there is one. */
  readonly path: string | undefined;

  constructor(code: Code, message: string, options: FipcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
  }

  /**
   * The same failure as an error of this class: a `FipcError` from a shared primitive keeps its code, message,
   * path and cause; an instance of this class passes through; anything else becomes `IO_ERROR`-like via
   * {@link errnoCode}. Lets each package throw only its own class.
   *
   * @example
   * try {
   *   writeFileAtomicSync(path, bytes);
   * } catch (error) {
   *   throw StateError.from(error, path);
   * }
   */
  static from<E extends FipcError>(
    this: new (
      code: never,
      message: string,
      options?: FipcErrorOptions,
    ) => E,
    error: unknown,
    path?: string,
  ): E {
    if (error instanceof this) return error;
    const base = error instanceof FipcError ? error : fsError(error, path ?? '', 'file system call failed');
    return new this(base.code as never, base.message, {
      cause: base.cause ?? error,
      path: base.path ?? path,
    });
  }
}

/**
 * The common code for a failed system call: `DISK_FULL`, `NOT_FOUND`, `NOT_A_FILE` or `IO_ERROR`.
 *
 * @example
 * errnoCode(Object.assign(new Error('no space'), { code: 'ENOSPC' })); // 'DISK_FULL'
 */
export function errnoCode(error: unknown): 'DISK_FULL' | 'NOT_FOUND' | 'NOT_A_FILE' | 'IO_ERROR' {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'DISK_FULL';
    case 'ENOENT':
    case 'ENOTDIR':
      return 'NOT_FOUND';
    case 'ELOOP':
    case 'EISDIR':
    case 'ENXIO':
    case 'EMLINK':
      return 'NOT_A_FILE';
    default:
      return 'IO_ERROR';
  }
}

/**
 * Wraps a failed system call as a {@link FipcError} with the common code; a `FipcError` passes through.
 *
 * @example
 * try {
 *   openSync(path, 'r');
 * } catch (error) {
 *   throw fsError(error, path, 'cannot open the log');
 * }
 */
export function fsError(error: unknown, path: string, action: string): FipcError<CommonErrorCode> {
  if (error instanceof FipcError) return error;
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  const why = (errno && REASONS[errno]) ?? errno ?? String(error);
  return new FipcError(errnoCode(error), `${action}: ${why} (${path})`, { cause: error, path });
}

// The usual failures in words; the errno name stays in the message, for searching.
const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory (ENOENT)',
  ENOTDIR: 'a parent is not a directory (ENOTDIR)',
  ENOSPC: 'disk full (ENOSPC)',
  EDQUOT: 'disk quota exceeded (EDQUOT)',
  ELOOP: 'it is a symlink (ELOOP)',
  EISDIR: 'it is a directory (EISDIR)',
  ENXIO: 'it is a FIFO or a device (ENXIO)',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'operation not permitted (EPERM)',
  EMFILE: 'too many open files (EMFILE)',
  EROFS: 'read-only file system (EROFS)',
};
