import { unlinkSync, writeSync } from 'node:fs';

// One `exit` listener for the whole package, installed at first use: stores write their last version
// synchronously there (only synchronous work can run at exit), then temp files of writes cut short are removed.
const tasks = new Set<() => void>();
const liveTemps = new Set<string>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const task of tasks) {
      try {
        task();
      } catch (error) {
        writeSync(2, `@fipc/state: ${(error as Error).message}\n`);
      }
    }
    for (const temp of liveTemps) {
      try {
        unlinkSync(temp);
      } catch {}
    }
  });
}

/**
 * Runs `task` synchronously when the process exits normally, until the returned function is called. What it
 * throws is printed on stderr (an exit cannot report it anywhere else): its message must say what happened.
 */
export function atExit(task: () => void): () => void {
  install();
  tasks.add(task);
  return () => tasks.delete(task);
}

/** Remembers a temp file that exists right now, so that an exit in the middle of a write removes it. */
export function trackTemp(temp: string): void {
  install();
  liveTemps.add(temp);
}

export function untrackTemp(temp: string): void {
  liveTemps.delete(temp);
}
