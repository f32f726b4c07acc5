// Type-checked by `pnpm smoke` against the packed @fipc/cli, with moduleResolution NodeNext and Bundler.
import {
  CliError,
  type CliErrorCode,
  type CliOptions,
  commands,
  ExitCode,
  formatRecord,
  runCli,
} from '@fipc/cli';
import type { EventRecord } from '@fipc/events';

export async function run(signal: AbortSignal): Promise<boolean> {
  const options: CliOptions = { signal, color: false };
  const status: number = await runCli(['tail', 'run-1/', '--follow'], options);
  // @ts-expect-error: runCli takes the arguments as an array
  await runCli('tail run-1/');
  return status === ExitCode.OK || status === ExitCode.INTERRUPTED;
}

export const names: string[] = commands.map((command) => command.name);
export const line = (record: EventRecord): string => formatRecord(record, { color: false });
export const code = (error: unknown): CliErrorCode | undefined =>
  error instanceof CliError ? error.code : undefined;
