import { execFileSync } from 'node:child_process';

/** Node has no mkfifo; the coreutils one is everywhere the tests run. */
export function mkfifoSync(path: string): void {
  execFileSync('mkfifo', [path]);
}
