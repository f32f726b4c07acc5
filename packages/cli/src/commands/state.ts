import { existsSync } from 'node:fs';
import { jsonObjectArgument, statePath } from '../arguments.js';
import type { Command } from '../command.js';
import { formatTime, paint, summarize } from '../format.js';

const fileHelp =
  "<file> is a state.json, or an instance directory (existing, or a path ending in '/') meaning its state.json.";

/** `fipc state get`: prints the current snapshot. */
export const stateGet: Command = {
  name: 'state get',
  summary: 'Print the current state snapshot as JSON.',
  args: ['<file>'],
  description: [
    'Reads the snapshot once and prints it as JSON (indented; compact with --compact). A missing file',
    'exits with 3, a file that is not a valid snapshot with 4.',
    fileHelp,
  ].join('\n'),
  options: { compact: { type: 'boolean', description: 'print the snapshot on one line' } },
  examples: ['fipc state get run/state.json', "fipc state get run --compact | jq -r '.status'"],
  async run({ positionals: [file], values }, context) {
    const { readState } = await import('@fipc/state');
    const snapshot = await readState(statePath(file!));
    await context.out(JSON.stringify(snapshot, null, values.compact ? undefined : 2));
    return 0;
  },
};

/** `fipc state set`: replaces the snapshot atomically. */
export const stateSet: Command = {
  name: 'state set',
  summary: 'Replace the state snapshot atomically.',
  args: ['<file>', '<json>'],
  description: [
    'Writes <json> (an object) as the new snapshot, adding instance_id and updated_at: a temp file beside',
    'the target is renamed over it, so readers see the old or the new snapshot, never a mix. With --merge,',
    "the fields are merged into the current snapshot's (a read then a write: not atomic against other",
    "writers). '-' reads the JSON from stdin.",
    fileHelp,
  ].join('\n'),
  options: {
    merge: { type: 'boolean', description: 'keep the current fields that <json> does not set' },
    instance: {
      type: 'string',
      value: 'ID',
      description: "instance_id to write (default: the snapshot's own, else the directory's name)",
    },
    durable: { type: 'boolean', description: 'fsync the file and its directory before returning' },
    json: { type: 'boolean', description: 'print the snapshot as written' },
  },
  examples: [
    `fipc state set run/state.json '{"status":"running","percent":40}'`,
    `fipc state set run '{"percent":100}' --merge --durable`,
  ],
  async run({ positionals: [file, json], values }, context) {
    const { readState, StateError, writeState } = await import('@fipc/state');
    const path = statePath(file!);
    let fields: Record<string, unknown> = await jsonObjectArgument(json!, '<json>', context.stdin);
    if (values.merge) {
      const current = await readState(path).catch((error: unknown) => {
        if (error instanceof StateError && error.code === 'NOT_FOUND') return {};
        throw error;
      });
      fields = { ...current, ...fields };
    }
    const written = await writeState(path, fields, {
      durability: values.durable ? 'fsync' : 'none',
      instanceId: values.instance as string | undefined,
    });
    if (values.json) await context.out(JSON.stringify(written));
    return 0;
  },
};

/** `fipc state watch`: prints the snapshot and every change of it. */
export const stateWatch: Command = {
  name: 'state watch',
  summary: 'Print the state snapshot now and after every change.',
  args: ['<file>'],
  description: [
    'Prints the current snapshot (when there is one) and each new one as it is written, until interrupted',
    'by SIGINT or SIGTERM (exit 0): one line per snapshot with its update time and fields, or the JSON',
    `snapshot with --json. Waits for a missing file. A snapshot that is not valid is reported on stderr.`,
    'After a burst of writes the last line is always the final snapshot.',
    fileHelp,
  ].join('\n'),
  options: { json: { type: 'boolean', description: 'print each snapshot as one line of JSON (JSONL)' } },
  examples: ['fipc state watch run/state.json', "fipc state watch run --json | jq -r '.percent'"],
  async run({ positionals: [file], values }, context) {
    const { watchState } = await import('@fipc/state');
    const path = statePath(file!);
    if (!existsSync(path)) context.warn(`${path} does not exist yet; waiting for it`);
    const snapshots = watchState(path, {
      signal: context.signal,
      onSkip: (skip) => context.warn(`skipped an invalid snapshot: ${skip.reason}`),
    });
    for await (const snapshot of snapshots) {
      const { instance_id: _, updated_at, ...fields } = snapshot;
      await context.out(
        values.json
          ? JSON.stringify(snapshot)
          : `${paint(context.color, 'dim', formatTime(updated_at))}  ${summarize(fields, 200)}`,
      );
    }
    return 0;
  },
};
