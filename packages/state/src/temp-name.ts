import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

// `state.json` -> `.state-<16 hex>.tmp`: the original's `mkstemp(prefix=".state-", suffix=".tmp")` shape, so the
// stale-temp rule below also matches what a crashed Python writer leaves.
const stem = (path: string) => basename(path).replace(/\.json$/, '');

/** A fresh, unpredictable temp path in the target's directory (hidden, so readers skip it). */
export function tempPath(path: string): string {
  return join(dirname(path), `.${stem(path)}-${randomBytes(8).toString('hex')}.tmp`);
}

/** Matches the temp names writers of `path` use: ours and the original's (8 chars of `[a-z0-9_]`). */
export function tempPattern(path: string): RegExp {
  return new RegExp(`^\\.${stem(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[a-z0-9_]{6,32}\\.tmp$`);
}
