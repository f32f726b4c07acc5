// File names inside a requests directory. Every name is `<id>.<kind>`; ids may contain dots but kinds never
// do, so the text after the last dot always says what a file is, and no two (id, kind) pairs share a name.
// Only requests end in `.json`, so tools of the original that list `*.json` see requests and nothing else.

export const requestName = (id: string): string => `${id}.json`;
export const responseName = (id: string): string => `${id}.response`;
export const leaseName = (id: string, generation: number): string => `${id}.lease-${generation}`;

export type ParsedName =
  | { kind: 'request' | 'response'; id: string }
  | { kind: 'lease'; id: string; generation: number }
  | { kind: 'temp' };

/** What a directory entry is, or `undefined` for names that are not ours (which readers ignore). */
export function parseName(name: string): ParsedName | undefined {
  if (name.startsWith('.')) return { kind: 'temp' };
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const id = name.slice(0, dot);
  const kind = name.slice(dot + 1);
  if (kind === 'json') return { kind: 'request', id };
  if (kind === 'response') return { kind: 'response', id };
  const lease = /^lease-([1-9][0-9]{0,8})$/.exec(kind);
  return lease ? { kind: 'lease', id, generation: Number(lease[1]) } : undefined;
}
