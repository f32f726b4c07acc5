/**
 * One fenced code block of a markdown file, as `pnpm check-examples` sees it.
 */
export interface CodeBlock {
  /** The fence's language (`ts`, `js`, `sh`, ...), lower case; empty when none. */
  lang: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** The reason given by a `<!-- check-examples: skip REASON -->` marker just above the fence. */
  skip: string | undefined;
}

/** Languages run as one module each (`ts` with tsx) and as one bash script (`sh`). */
export const RUNNABLE = {
  ts: 'ts',
  typescript: 'ts',
  js: 'js',
  javascript: 'js',
  sh: 'sh',
  bash: 'sh',
} as const;

const MARKER = /^<!--\s*check-examples:\s*(.*?)\s*-->\s*$/;

/**
 * The fenced blocks of `markdown`. A block is skipped only by an explicit marker on the line just above its
 * fence (blank lines between are allowed): `<!-- check-examples: skip REASON -->`. A marker naming anything
 * else, or `skip` without a reason, is an error, so a typo cannot silently skip a block.
 */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  let open: { fence: string; lang: string; line: number; body: string[]; skip: string | undefined } | null =
    null;
  let marker: { reason: string; line: number } | undefined;
  for (const [index, text] of lines.entries()) {
    if (open) {
      if (text.trim() === open.fence) {
        blocks.push({ lang: open.lang, line: open.line, code: open.body.join('\n'), skip: open.skip });
        open = null;
      } else open.body.push(text);
      continue;
    }
    const fence = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(text);
    if (fence) {
      open = {
        fence: fence[1]!,
        lang: fence[2]!.toLowerCase(),
        line: index + 1,
        body: [],
        skip: marker?.reason,
      };
      marker = undefined;
      continue;
    }
    const comment = MARKER.exec(text.trim());
    if (comment) {
      const [, directive] = comment;
      const skip = /^skip\b\s*[:—–-]?\s*(.*)$/.exec(directive!);
      if (!skip?.[1]) {
        throw new Error(
          `line ${index + 1}: expected "<!-- check-examples: skip REASON -->", got "${text.trim()}"`,
        );
      }
      marker = { reason: skip[1], line: index + 1 };
    } else if (text.trim() && marker) {
      throw new Error(`line ${marker.line}: the check-examples marker is not followed by a code block`);
    }
  }
  if (open) throw new Error(`line ${open.line}: the code block is not closed`);
  if (marker)
    throw new Error(`line ${marker.line}: the check-examples marker is not followed by a code block`);
  return blocks;
}

/**
 * The packages an `npm install` / `npm i` line in `code` names (options and the `--global` CLI install
 * excluded), e.g. `['@fipc/events', 'zod']`.
 */
export function installedPackages(code: string): string[] {
  const names: string[] = [];
  for (const line of code.split('\n')) {
    const command = /^\s*(?:\$\s+)?npm\s+(?:install|i|add)\s+([^#]*)/.exec(line);
    if (!command) continue;
    const words = command[1]!.split(/\s+/).filter(Boolean);
    if (words.some((word) => word === '-g' || word === '--global')) continue;
    names.push(...words.filter((word) => !word.startsWith('-')));
  }
  return names;
}

/**
 * What may differ between two runs of the same example, replaced by placeholders before the outputs are
 * compared: ISO timestamps, clock times (`10:00:00.123`), UUIDs, SSE event ids (`<12 hex>-<offset>`, the
 * epoch hashes the log's first line, which holds a timestamp), temp directory names, durations in ms and
 * loopback ports.
 */
export function normalizeOutput(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?/g, '<time>')
    .replace(/\b\d\d:\d\d:\d\d(?:\.\d{3})?\b/g, '<clock>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b[0-9a-f]{12}-(\d+)\b/g, '<epoch>-$1')
    .replace(/\/tmp\/[\w.-]+/g, '<tmp>')
    .replace(/\b\d+(?:\.\d+)? ?ms\b/g, '<ms>')
    .replace(/(127\.0\.0\.1|localhost|\[::1\]):\d+/g, '$1:<port>');
}
