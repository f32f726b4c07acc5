import { EventLogError } from '@fipc/events';
import { CliError } from './errors.js';

const errnoCodes: Record<string, [CliError['code'], string]> = {
  ENOENT: ['NOT_FOUND', 'no such file or directory'],
  ENOTDIR: ['NOT_FOUND', 'not a directory'],
  EACCES: ['FAILED', 'permission denied'],
  EPERM: ['FAILED', 'operation not permitted'],
  EISDIR: ['FAILED', 'is a directory'],
  ENOSPC: ['FAILED', 'no space left on the device'],
  EROFS: ['FAILED', 'read-only file system'],
  EADDRINUSE: ['FAILED', 'address already in use'],
  EADDRNOTAVAIL: ['FAILED', 'address not available on this machine'],
};

const eventLogCodes: Partial<Record<EventLogError['code'], CliError['code']>> = {
  INVALID_EVENT: 'INVALID_DATA',
  RECORD_TOO_LARGE: 'INVALID_DATA',
};

/**
 * Turns what a library threw into a {@link CliError} with a message a user can act on, or returns
 * `undefined` for a bug (which is then reported with its stack).
 */
export function toCliError(error: unknown): CliError | undefined {
  if (error instanceof CliError) return error;
  if (error instanceof EventLogError) {
    const errno = errnoError(error.cause);
    if (errno && error.code === 'WRITE_FAILED') return errno;
    return new CliError(eventLogCodes[error.code] ?? 'FAILED', error.message, { cause: error });
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
