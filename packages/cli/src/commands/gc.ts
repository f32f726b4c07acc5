import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { safe } from '../format.js';
import { formatBytes } from './ls.js';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `30d`, `12h`, `90m`, `45s`, `500ms`, `2w` (a bare number is seconds) as milliseconds. */
export function durationArgument(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)?$/.exec(text);
  const ms = match ? Number(match[1]) * UNITS[match[2] ?? 's']! : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new CliError('USAGE', `${what} must be a duration such as 30d, 12h, 90m or 45s, got "${text}"`);
  }
  return ms;
}

const reasons = {
  'not-terminal': 'not finished (its status is not terminal)',
  'live-writer': 'a process writes its log',
  'pending-request': 'a request waits for an answer',
} as const;

/** `fipc gc`: removes finished instances older than a limit. */
export const gc: Command = {
  name: 'gc',
  summary: 'Remove finished instances whose last activity is older than a limit.',
  args: ['<root>'],
  description: [
    'Removes each instance directory under <root> whose files were last modified more than --older-than',
    'ago and that is finished: its state.json status is terminal (completed, failed, cancelled, done, ...),',
    'no process has its log open for writing, and no request waits for an answer. --force removes',
    'unfinished ones too (the age limit still applies). --dry-run prints what would be removed. Prints one',
    "line per instance removed ('removed <id>') and per old instance kept ('kept <id>: <why>').",
  ].join('\n'),
  options: {
    'older-than': {
      type: 'string',
      value: 'DURATION',
      description: 'required: 30d, 12h, 90m, 45s, 500ms or 2w (a bare number is seconds)',
    },
    'dry-run': { type: 'boolean', description: 'remove nothing, print what would be removed' },
    force: { type: 'boolean', description: 'also remove instances that are not finished' },
  },
  examples: ['fipc gc runs --older-than 7d --dry-run', 'fipc gc runs --older-than 30d'],
  async run({ positionals: [root], values }, context) {
    const limit = values['older-than'];
    if (typeof limit !== 'string') throw new CliError('USAGE', 'missing --older-than DURATION');
    const olderThanMs = durationArgument(limit, '--older-than');
    const { removeInstances } = await import('@fipc/instances');
    const dryRun = values['dry-run'] === true;
    const { removed, kept } = await removeInstances(root!, {
      olderThanMs,
      dryRun,
      force: values.force === true,
    });
    for (const instance of removed) {
      await context.out(
        `${dryRun ? 'would remove' : 'removed'} ${safe(instance.id)} (${formatBytes(instance.bytes)})`,
      );
    }
    for (const { instance, reason } of kept) {
      if (reason !== 'too-recent') await context.out(`kept ${safe(instance.id)}: ${reasons[reason]}`);
    }
    return 0;
  },
};
