/**
 * The exit status of every `fipc` command; each failure kind has its own, so scripts can branch on it.
 *
 * @example
 * // bash: fipc request ./run '{"q":1}' --timeout 5; [ $? -eq 5 ] && echo "nobody answered"
 * if (status === ExitCode.TIMEOUT) console.error('nobody answered');
 */
export const ExitCode = {
  /** The command did what it was asked. */
  OK: 0,
  /** Any other failure: permission denied, disk full, an unexpected error. */
  FAILED: 1,
  /** Bad arguments: unknown command or option, a missing or malformed argument. */
  USAGE: 2,
  /** A file, directory or request that must exist does not. */
  NOT_FOUND: 3,
  /** Input or file content that is not valid JSON, or not the shape the command needs. */
  INVALID_DATA: 4,
  /** The wait ran out (`fipc request --timeout`). */
  TIMEOUT: 5,
  /** Refused: a request was rejected, cancelled or expired, or an answer came too late or twice. */
  REJECTED: 6,
  /** Stopped by SIGINT or SIGTERM before the command could finish (commands that follow exit with 0). */
  INTERRUPTED: 130,
} as const;

/**
 * One of the values of {@link ExitCode}.
 *
 * @example
 * const status: ExitCode = await runCli(argv) as ExitCode;
 */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
