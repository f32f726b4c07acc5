import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const required = ['Install', 'Quick start', 'API', 'Errors', 'Guarantees'] as const;

/** The `## ` sections of a markdown file, by heading text; fenced code is not mistaken for headings. */
export function sections(markdown: string): Map<string, string> {
  const found = new Map<string, string>();
  let current: string | null = null;
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) {
      current = heading[1]!;
      found.set(current, '');
    } else if (current !== null) found.set(current, `${found.get(current)}${line}\n`);
  }
  return found;
}

/** Names exported by an index.ts made of `export { a, type B } from './x.js'` and `export function/const…`. */
export function exportedNames(source: string): string[] {
  const names = new Set<string>();
  for (const [, list] of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of list!.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .at(-1);
      if (name) names.add(name);
    }
  }
  const declaration =
    /export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|interface|type|enum)\s+(\w+)/g;
  for (const [, name] of source.matchAll(declaration)) names.add(name!);
  return [...names];
}

/** The string literals of every `export type XxxErrorCode = 'A' | 'B';` in the package's sources. */
export function errorCodes(srcDir: string): string[] {
  const codes = new Set<string>();
  for (const file of readdirSync(srcDir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const source = readFileSync(join(srcDir, file), 'utf8');
    for (const [, union] of source.matchAll(/export\s+type\s+\w*ErrorCode\s*=([^;]*);/g)) {
      const literals = union!.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      // Only a plain union of string literals can be read here; a computed one (Exclude<keyof ...>) is skipped.
      if (!/^\s*\|?\s*(['"][^'"]+['"]\s*\|?\s*)+$/.test(literals)) continue;
      for (const [, code] of literals.matchAll(/['"]([^'"]+)['"]/g)) codes.add(code!);
    }
  }
  return [...codes];
}

/** What is missing from the README of the package in `dir` named `name` (empty when complete). */
export function readmeProblems(dir: string, name: string): string[] {
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) return ['README.md is missing'];
  const all = sections(readFileSync(readme, 'utf8'));
  const problems: string[] = [];
  const section = (title: string) => {
    const key = [...all.keys()].find((heading) => heading.toLowerCase().startsWith(title.toLowerCase()));
    return key === undefined ? undefined : all.get(key)!;
  };
  for (const title of required) {
    const body = section(title);
    if (body === undefined) problems.push(`no "## ${title}" section`);
    else if (!body.trim()) problems.push(`"## ${title}" is empty`);
  }
  const install = section('Install');
  if (install?.trim() && !install.includes(name)) problems.push(`Install does not name ${name}`);
  const quickStart = section('Quick start');
  // A command-line package may show its bin instead: a shell block with a line starting with the command.
  const manifestPath = join(dir, 'package.json');
  const bin = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')).bin : undefined;
  const bins: string[] = typeof bin === 'string' ? [name.split('/').at(-1)!] : Object.keys(bin ?? {});
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const uses = [`from '${literal(name)}'`, ...bins.map((b) => `\\n\\s*(?:\\$\\s+)?${literal(b)}\\b`)].join(
    '|',
  );
  if (quickStart?.trim() && !new RegExp(`\`\`\`\\w*\\n[\\s\\S]*(?:${uses})`).test(quickStart)) {
    problems.push(
      `Quick start has no code block importing from '${name}'${bins.length ? ` or running ${bins.join(', ')}` : ''}`,
    );
  }
  // The error class and its code type may be described under Errors rather than API.
  const api = `${section('API') ?? ''}\n${section('Errors') ?? ''}`;
  const index = join(dir, 'src/index.ts');
  if (existsSync(index)) {
    const missing = exportedNames(readFileSync(index, 'utf8')).filter(
      (n) => !new RegExp(`\\b${n}\\b`).test(api),
    );
    if (missing.length) problems.push(`neither API nor Errors mentions ${missing.join(', ')}`);
  }
  const errors = section('Errors') ?? '';
  const codes = existsSync(join(dir, 'src')) ? errorCodes(join(dir, 'src')) : [];
  const undocumented = codes.filter((code) => !errors.includes(code));
  if (undocumented.length) problems.push(`Errors does not mention ${undocumented.join(', ')}`);
  return problems;
}
