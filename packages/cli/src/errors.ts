import { ExitCode } from './exit-codes.js';

/**
 * Every code a {@link CliError} can carry; each maps to its own {@link ExitCode}.
 *
 * @example
 * const status = (code: CliErrorCode): number => ExitCode[code]; // 'TIMEOUT' -> 5
 */
export type CliErrorCode = Exclude<keyof typeof ExitCode, 'OK'>;

/**
 * The one error class of `@fipc/cli`: a failure the user can act on. Its message is printed on stderr as it
 * is, without a stack trace, and the process exits with `ExitCode[code]`.
 *
 * @example
 * throw new CliError('NOT_FOUND', `no such file: ${path}`);
 */
export class CliError extends Error {
  /** Always `'CliError'`, so logs and `util.inspect` name the class. */
  override readonly name = 'CliError';
  /** What kind of failure; the process exits with `ExitCode[code]`. */
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The process exit status for this error. */
  get exitCode(): ExitCode {
    return ExitCode[this.code];
  }
}
