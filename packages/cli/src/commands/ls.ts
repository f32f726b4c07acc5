import type { InstanceInfo } from '@fipc/instances';
import type { Command } from '../command.js';
import { formatTime, paint, safe } from '../format.js';

/** `fipc ls`: lists the instances under a root directory. */
export const ls: Command = {
  name: 'ls',
  summary: 'List the instances under a directory: status, last event, size.',
  args: ['<root>'],
  description: [
    'Lists each instance directory directly under <root> (one holding an events.jsonl, its segments, a',
    "state.json or input-requests/): its id, the status from state.json ('-' when there is none), the time",
    'of its last event, its size on disk, and whether a process writes its log now or a request waits for',
    'an answer. With --json, one JSON object per instance per line. Changes nothing.',
  ].join('\n'),
  options: { json: { type: 'boolean', description: 'print one JSON object per instance (JSONL)' } },
  examples: ['fipc ls runs', 'fipc ls runs --json | jq -r \'select(.status == "failed") | .id\''],
  async run({ positionals: [root], values }, context) {
    const { listInstances } = await import('@fipc/instances');
    for (const instance of await listInstances(root!)) {
      await context.out(values.json ? JSON.stringify(jsonOf(instance)) : line(instance, context.color));
    }
    return 0;
  },
};

function jsonOf(instance: InstanceInfo) {
  return {
    id: instance.id,
    path: instance.path,
    status: instance.status ?? null,
    terminal: instance.terminal,
    state: instance.state,
    updated_at: instance.updatedAt ?? null,
    last_event_at: instance.lastEventAt ?? null,
    last_activity_at: new Date(instance.lastActivityMs).toISOString(),
    bytes: instance.bytes,
    segments: instance.segments,
    live_writers: instance.liveWriters,
    pending_requests: instance.pendingRequests ?? null,
  };
}

/** `1.5 MiB`: a size for people. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function line(instance: InstanceInfo, color: boolean): string {
  const status = instance.status === undefined ? '-' : safe(instance.status);
  const notes = [
    instance.liveWriters > 0 ? 'writing' : '',
    instance.pendingRequests ? `${instance.pendingRequests} pending` : '',
    instance.pendingRequests === undefined ? 'requests unreadable' : '',
  ].filter(Boolean);
  return [
    paint(color, 'cyan', safe(instance.id)),
    paint(color, instance.terminal ? 'green' : 'yellow', status),
    paint(color, 'dim', instance.lastEventAt ? formatTime(instance.lastEventAt) : '-'),
    formatBytes(instance.bytes),
    notes.join(', '),
  ]
    .filter(Boolean)
    .join('  ');
}
