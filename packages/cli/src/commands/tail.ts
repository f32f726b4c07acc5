import { existsSync } from 'node:fs';
import { type EventEntry, readEvents, type Skip, tailEvents } from '@fipc/events';
import { integerArgument, logPath } from '../arguments.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { formatRecord } from '../format.js';

/** `fipc tail`: prints the records of a log, and follows it with `--follow`. */
export const tail: Command = {
  name: 'tail',
  summary: 'Print the records of a log, optionally following it as it grows.',
  args: ['<log>'],
  description: [
    "Prints one line per record of <log> (a file, or an instance directory, existing or ending in '/',",
    'meaning its events.jsonl): time, event type, phase (- when none) and a short summary of the data;',
    '--json prints each record as one line of JSON instead. Corrupt lines are skipped and reported on',
    'stderr. With --follow, waits for new records (and for the file to appear) until interrupted by SIGINT',
    'or SIGTERM, then exits with 0; a truncated or replaced log is reported on stderr and read again from',
    'its start.',
  ].join('\n'),
  options: {
    from: {
      type: 'string',
      value: 'start|end|OFFSET',
      description: 'begin at the first record, after the last, or at a byte offset (default: start)',
    },
    follow: { type: 'boolean', short: 'f', description: 'keep printing records as they are appended' },
    type: {
      type: 'string',
      multiple: true,
      value: 'T',
      description: 'only records of this event type (repeatable)',
    },
    json: { type: 'boolean', description: 'print raw records, one JSON object per line (JSONL)' },
  },
  examples: [
    'fipc tail run/events.jsonl',
    'fipc tail run --follow --from end --type progress --type completed',
    "fipc tail run/events.jsonl --json | jq -r '.data.percent'",
  ],
  async run({ positionals: [given], values }, context) {
    const path = logPath(given!);
    const from = startOf((values.from as string | undefined) ?? 'start');
    const types = values.type as string[] | undefined;
    const onSkip = ({ offset = 0, length = 0, reason }: Skip) =>
      context.warn(`${path}: skipped ${length} bytes at offset ${offset}: ${reason}`);
    let entries: AsyncIterable<EventEntry>;
    if (values.follow) {
      if (!existsSync(path)) context.warn(`${path} does not exist yet; waiting for it`);
      entries = tailEvents(path, {
        from,
        signal: context.signal,
        onSkip,
        onReset: ({ reason }) =>
          context.warn(
            `${path} was ${reason === 'rotated' ? 'replaced' : 'truncated'}; reading it from the start`,
          ),
      });
    } else {
      if (!existsSync(path)) throw new CliError('NOT_FOUND', `no such log: ${path}`);
      if (from === 'end') return 0;
      entries = readEvents(path, { from: from === 'start' ? 0 : from, signal: context.signal, onSkip });
    }
    for await (const { record } of entries) {
      if (types && !types.includes(record.event_type)) continue;
      await context.out(
        values.json ? JSON.stringify(record) : formatRecord(record, { color: context.color }),
      );
    }
    return 0;
  },
};

function startOf(text: string): 'start' | 'end' | number {
  if (text === 'start' || text === 'end') return text;
  return integerArgument(text, '--from');
}
