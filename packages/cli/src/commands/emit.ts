import { openEventLog } from '@fipc/events';
import { jsonObjectArgument, logPath, PATH_RULE } from '../arguments.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';

/** `fipc emit`: appends one record with the same guarantees as `EventLog.emit`. */
export const emit: Command = {
  name: 'emit',
  summary: 'Append one event record to a log.',
  args: ['<log>', '<event_type>'],
  description: [
    'Appends one record to <log>, creating the file and its directory when missing. The record is one',
    'write(2) on an O_APPEND descriptor, so it never interleaves with records of other writing processes.',
    'Prints nothing unless --json is given.',
    `<log> is an events.jsonl or an instance directory meaning its events.jsonl. ${PATH_RULE}`,
  ].join('\n'),
  options: {
    phase: { type: 'string', value: 'P', description: 'the step of the job (default: null)' },
    data: {
      type: 'string',
      value: 'JSON',
      description: "the payload, a JSON object; '-' reads stdin (default: {})",
    },
    instance: {
      type: 'string',
      value: 'ID',
      description: "instance_id of the record (default: the name of the log's directory)",
    },
    durable: { type: 'boolean', description: 'return only once the record is synced to disk (fdatasync)' },
    json: { type: 'boolean', description: 'print the record written, with its byte offset, as JSON' },
  },
  examples: [
    `fipc emit run/events.jsonl progress --phase build --data '{"percent":40}'`,
    'echo \'{"ok":true}\' | fipc emit run completed --data - --durable',
  ],
  async run({ positionals: [path, type], values }, context) {
    if (!type) throw new CliError('USAGE', 'event_type must not be empty');
    const data =
      values.data === undefined
        ? {}
        : await jsonObjectArgument(values.data as string, '--data', context.stdin);
    const log = openEventLog(logPath(path!), {
      instanceId: values.instance as string | undefined,
      durability: values.durable ? 'fsync' : 'none',
    });
    try {
      const { record, offset } = await log.emit(type, {
        phase: (values.phase as string | undefined) ?? null,
        data,
      });
      if (values.json) await context.out(JSON.stringify({ offset, record }));
    } finally {
      await log.close();
    }
    return 0;
  },
};
