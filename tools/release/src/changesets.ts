import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One pending changeset: `.changeset/<id>.md`, with the packages it bumps and how. */
export interface Changeset {
  file: string;
  releases: { name: string; type: string }[];
}

/** Reads every pending changeset (what `pnpm changeset` wrote and `pnpm version-packages` has not consumed). */
export function pendingChangesets(root: string): Changeset[] {
  const dir = join(root, '.changeset');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md') && file !== 'README.md')
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const front = /^---\r?\n([\s\S]*?)\r?\n?---/.exec(text);
      if (!front) throw new Error(`.changeset/${file} has no front matter (--- ... ---)`);
      const releases = front[1]!
        .split(/\r?\n/)
        .filter((line) => line.trim())
        .map((line) => {
          const match = /^\s*(['"]?)(.+?)\1\s*:\s*(\S+)\s*$/.exec(line);
          if (!match) throw new Error(`.changeset/${file}: cannot read "${line}"`);
          return { name: match[2]!, type: match[3]! };
        });
      return { file: `.changeset/${file}`, releases };
    });
}
