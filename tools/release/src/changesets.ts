import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One pending changeset: `.changeset/<id>.md`, with the packages it bumps and how, or why it is unreadable. */
export interface Changeset {
  file: string;
  releases: { name: string; type: string }[];
  /** Set when the file is not a valid changeset; `releases` is empty then. */
  error?: string;
}

function parse(file: string, text: string): Changeset {
  const front = /^---\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!front) {
    return {
      file,
      releases: [],
      error: `${file} does not start with front matter (--- / 'pkg': bump / ---)`,
    };
  }
  const releases = [];
  for (const line of (front[1] ?? '').split(/\r?\n/).filter((l) => l.trim())) {
    const match = /^\s*(['"]?)(.+?)\1\s*:\s*(\S+)\s*$/.exec(line);
    if (!match) return { file, releases: [], error: `${file}: cannot read "${line}" in its front matter` };
    releases.push({ name: match[2]!, type: match[3]! });
  }
  return { file, releases };
}

/** Reads every pending changeset (what `pnpm changeset` wrote and `pnpm version-packages` has not consumed). */
export function pendingChangesets(root: string): Changeset[] {
  const dir = join(root, '.changeset');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md') && file !== 'README.md')
    .sort()
    .map((file) => parse(`.changeset/${file}`, readFileSync(join(dir, file), 'utf8')));
}
