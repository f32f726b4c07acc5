import { type CorruptLine, type EventEntry, type TailReset, tailEvents } from '@fipc/events';

/** Follows `path` in this process until stopped, collecting entries, resets and corrupt lines. */
export function follow(path: string, from?: 'start' | 'end' | number) {
  const controller = new AbortController();
  const entries: EventEntry[] = [];
  const resets: TailReset[] = [];
  const corrupt: CorruptLine[] = [];
  const done = (async () => {
    for await (const entry of tailEvents(path, {
      from,
      signal: controller.signal,
      onReset: (r) => resets.push(r),
      onCorrupt: (c) => corrupt.push(c),
    }))
      entries.push(entry);
  })();
  return {
    entries,
    resets,
    corrupt,
    done,
    types: () => entries.map((e) => e.record.event_type),
    stop: () => {
      controller.abort();
      return done;
    },
  };
}
