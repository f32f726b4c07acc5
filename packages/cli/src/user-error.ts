import { CliError, type CliErrorCode } from './errors.js';

type Code = CliErrorCode;
type Coded = Error & { code: string };

const errnoCodes: Record<string, [Code, string]> = {
  ENOENT: ['NOT_FOUND', 'no such file or directory'],
  ENOTDIR: ['NOT_FOUND', 'not a directory'],
  EACCES: ['FAILED', 'permission denied'],
  EPERM: ['FAILED', 'operation not permitted'],
  EISDIR: ['FAILED', 'is a directory'],
  ENOSPC: ['FAILED', 'no space left on the device'],
  EROFS: ['FAILED', 'read-only file system'],
  EADDRINUSE: ['FAILED', 'address already in use'],
  EADDRNOTAVAIL: ['FAILED', 'address not available on this machine'],
  ENOTFOUND: ['FAILED', 'unknown host name'],
};

// Each library's codes, sorted into the CLI's exit statuses; anything not listed is FAILED.
const libraryCodes: Record<string, Partial<Record<string, Code>>> = {
  EventLogError: {
    INVALID_EVENT: 'INVALID_DATA',
    SCHEMA_MISMATCH: 'INVALID_DATA',
    TOO_LARGE: 'INVALID_DATA',
    NOT_FOUND: 'NOT_FOUND',
  },
  StateError: {
    NOT_FOUND: 'NOT_FOUND',
    INVALID_JSON: 'INVALID_DATA',
    SCHEMA_MISMATCH: 'INVALID_DATA',
    TOO_LARGE: 'INVALID_DATA',
  },
  RequestError: {
    INVALID_ID: 'USAGE',
    INVALID_OPTIONS: 'USAGE',
    NOT_FOUND: 'NOT_FOUND',
    TOO_LARGE: 'INVALID_DATA',
    MALFORMED_REQUEST: 'INVALID_DATA',
    MALFORMED_RESPONSE: 'INVALID_DATA',
    TIMEOUT: 'TIMEOUT',
    ABORTED: 'INTERRUPTED',
    ID_IN_USE: 'REJECTED',
    ALREADY_ANSWERED: 'REJECTED',
    REQUEST_CANCELLED: 'REJECTED',
    REQUEST_EXPIRED: 'REJECTED',
    SCHEMA_MISMATCH: 'REJECTED',
    RESPONDER_ERROR: 'REJECTED',
  },
  SseError: { INVALID_OPTIONS: 'USAGE', NOT_A_FILE: 'INVALID_DATA' },
  InstancesError: { NOT_FOUND: 'NOT_FOUND', INVALID_OPTIONS: 'USAGE' },
};

/**
 * Turns what a library threw into a {@link CliError} with a message a user can act on, or returns
 * `undefined` for a bug (which is then reported as unexpected).
 */
export function toCliError(error: unknown): CliError | undefined {
  if (error instanceof CliError) return error;
  // By name, not instanceof: the libraries are loaded only by the commands that use them, to start fast.
  if (
    error instanceof Error &&
    Object.hasOwn(libraryCodes, error.name) &&
    typeof (error as Coded).code === 'string'
  ) {
    const code = libraryCodes[error.name]?.[(error as Coded).code];
    if (!code) {
      // A generic failure says more through the system error behind it (permission denied, disk full).
      const errno = errnoError(error.cause);
      if (errno) return new CliError(errno.code, `${error.message}: ${errno.message}`, { cause: error });
    }
    return new CliError(code ?? 'FAILED', error.message, { cause: error });
  }
  return errnoError(error);
}

function errnoError(error: unknown): CliError | undefined {
  const { code, path, address, port } = (error ?? {}) as NodeJS.ErrnoException & {
    address?: string;
    port?: number;
  };
  const known = code ? errnoCodes[code] : undefined;
  if (!known) return undefined;
  const where = path ?? (address ? `${address}${port === undefined ? '' : `:${port}`}` : undefined);
  return new CliError(known[0], where ? `${known[1]}: ${where}` : known[1], { cause: error });
}
