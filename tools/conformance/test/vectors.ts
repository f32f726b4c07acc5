// Loads the vectors of conformance/ (see conformance/README.md for the format) and lays their files out in a
// scratch directory. Nothing here calls a package of this repository: that is adapter.ts's job alone.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VECTORS_DIR = fileURLToPath(new URL('../../../conformance/', import.meta.url));

/** The bytes of a file: `text` (a string, or strings to concatenate) when valid UTF-8, else `bytes_b64`. */
export interface Content {
  text?: string | string[];
  bytes_b64?: string;
}

export interface Covers {
  section: string;
  level: 'MUST' | 'SHOULD' | 'MAY' | 'format';
  rule: string;
}

/** What every vector has. */
export interface VectorBase {
  name: string;
  description: string;
  covers: Covers[];
  known_failure?: string;
}

/** One entry to create, relative to the vector's scratch directory. */
export interface FileEntry extends Content {
  path: string;
  kind?: 'file' | 'directory' | 'symlink' | 'fifo';
  target?: string;
  append_spaces?: number;
  mode?: string;
  mtime?: string;
}

export type SkipCategory =
  | 'invalid-utf8'
  | 'invalid-json'
  | 'not-an-object'
  | 'not-a-record'
  | 'torn-fragment'
  | 'too-long'
  | 'not-line-start';

export interface EventsVector extends VectorBase {
  log: Content;
  options?: { from?: number; max_line_bytes?: number };
  expected: {
    records: { offset: number; nextOffset: number; record: Record<string, unknown> }[];
    skipped: { offset: number; length: number; reason: SkipCategory }[];
  };
}

export type StateErrorCategory = 'not-found' | 'invalid-json' | 'not-a-snapshot' | 'not-a-file';

export interface StateVector extends VectorBase {
  files: FileEntry[];
  expected: { snapshot: Record<string, unknown> } | { error: StateErrorCategory };
}

export type RequestStatus = 'pending' | 'claimed' | 'answered' | 'cancelled' | 'expired';

export interface ExpectedRequest {
  id: string;
  status: RequestStatus;
  response: 'absent' | 'valid' | 'malformed';
  expires_at: string | null;
  payload?: unknown;
  error?: Record<string, unknown>;
}

export interface RequestsVector extends VectorBase {
  files: FileEntry[];
  expected: { requests: ExpectedRequest[] } | { error: 'unsafe-directory' };
}

const BASE_KEYS = ['name', 'description', 'covers', 'known_failure', 'expected'];
const KEYS = {
  events: [...BASE_KEYS, 'log', 'options'],
  state: [...BASE_KEYS, 'files'],
  requests: [...BASE_KEYS, 'files'],
};
const FILE_KEYS = ['path', 'kind', 'text', 'bytes_b64', 'target', 'append_spaces', 'mode', 'mtime'];

/** Every vector of a section, checked for the shape the README describes (a typo fails loudly here). */
export function loadVectors(section: 'events'): EventsVector[];
export function loadVectors(section: 'state'): StateVector[];
export function loadVectors(section: 'requests'): RequestsVector[];
export function loadVectors(section: keyof typeof KEYS): VectorBase[] {
  const dir = join(VECTORS_DIR, section);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const vector = JSON.parse(readFileSync(join(dir, name), 'utf8')) as VectorBase & {
        files?: FileEntry[];
      };
      const where = `${section}/${name}`;
      const unknown = Object.keys(vector).filter((key) => !KEYS[section].includes(key));
      if (unknown.length) throw new Error(`${where}: unknown keys ${unknown.join(', ')}`);
      if (`${vector.name}.json` !== name) throw new Error(`${where}: name must be the file name`);
      if (!vector.description || !Array.isArray(vector.covers) || vector.covers.length === 0)
        throw new Error(`${where}: description and covers are required`);
      for (const file of vector.files ?? []) {
        const bad = Object.keys(file).filter((key) => !FILE_KEYS.includes(key));
        if (bad.length) throw new Error(`${where}: unknown file keys ${bad.join(', ')}`);
      }
      return vector;
    });
}

/** The bytes a {@link Content} stands for. */
export function bytesOf(content: Content): Buffer {
  if (content.text !== undefined && content.bytes_b64 !== undefined)
    throw new Error('give either text or bytes_b64, not both');
  if (content.bytes_b64 !== undefined) return Buffer.from(content.bytes_b64, 'base64');
  const text = content.text ?? '';
  return Buffer.from(Array.isArray(text) ? text.join('') : text, 'utf8');
}

/** A fresh scratch directory, removed by {@link removeScratch}. */
export function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'fipc-conformance-'));
}

export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Creates the entries in order (missing parent directories with mode 0700), then applies modes and mtimes, so
 * that a restrictive mode never stops a later entry from being written.
 */
export function layOut(root: string, files: FileEntry[]): void {
  for (const file of files) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    switch (file.kind ?? 'file') {
      case 'file':
        writeFileSync(path, Buffer.concat([bytesOf(file), Buffer.alloc(file.append_spaces ?? 0, 0x20)]), {
          mode: 0o600,
        });
        break;
      case 'directory':
        mkdirSync(path, { recursive: true, mode: 0o700 });
        break;
      case 'symlink':
        if (!file.target) throw new Error(`${file.path}: a symlink needs a target`);
        symlinkSync(file.target, path);
        break;
      case 'fifo':
        execFileSync('mkfifo', [path]); // Node has no mkfifo; coreutils has
        break;
    }
  }
  for (const file of files) {
    const path = join(root, file.path);
    if (file.mode !== undefined) chmodSync(path, Number.parseInt(file.mode, 8));
    if (file.mtime !== undefined) {
      const time = new Date(file.mtime);
      if (Number.isNaN(time.getTime())) throw new Error(`${file.path}: bad mtime ${file.mtime}`);
      (file.kind === 'symlink' ? lutimesSync : utimesSync)(path, time, time);
    }
  }
}

/** The file of a vector at `path`, parsed as JSON (request and response files, to compare with a listing). */
export function parsedFile(files: FileEntry[], path: string): unknown {
  const file = files.find((entry) => entry.path === path && (entry.kind ?? 'file') === 'file');
  if (!file) throw new Error(`the vector has no file ${path}`);
  return JSON.parse(bytesOf(file).toString('utf8'));
}
