import { type EventEntry, readEvents, type Skip, type TailReset, tailEvents } from '@fipc/events';

/** Every record of the log from `from`, and the lines skipped. */
export async function readAll(path: string, from = 0) {
  const entries: EventEntry[] = [];
  const skipped: Skip[] = [];
  for await (const entry of readEvents(path, { from, onSkip: (c) => skipped.push(c) })) entries.push(entry);
  return { entries, skipped };
}

/** Follows `path` in this process until stopped, collecting entries, resets and skipped lines. */
export function follow(path: string, from?: 'start' | 'end' | number) {
  const controller = new AbortController();
  const entries: EventEntry[] = [];
  const resets: TailReset[] = [];
  const skipped: Skip[] = [];
  const done = (async () => {
    for await (const entry of tailEvents(path, {
      from,
      signal: controller.signal,
      onReset: (r) => resets.push(r),
      onSkip: (c) => skipped.push(c),
    }))
      entries.push(entry);
  })();
  return {
    entries,
    resets,
    skipped,
    done,
    types: () => entries.map((e) => e.record.event_type),
    stop: () => {
      controller.abort();
      return done;
    },
  };
}

/** What a promise settles with, or `'still waiting'` after `ms`: a call that blocks fails a test, not hangs it. */
export async function settle(promise: Promise<unknown>, ms = 3_000): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => 'no error',
        (error: unknown) => error,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
