import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type CodeBlock, codeBlocks, installedPackages, normalizeOutput, RUNNABLE } from './examples.js';
import { exec, run } from './exec.js';
import { packAll } from './pack.js';
import { type RunResult, runOnce } from './run-once.js';
import { publishedPackages, root } from './workspace.js';

// `pnpm check-examples [filter...]`: every code block of the root README and of each packages/*/README.md runs
// as a new user would run it. The published packages are packed (`pnpm pack`, as for `pnpm smoke`) and
// installed with npm into one fresh project outside the workspace, with `"type": "module"`, plus what the
// READMEs' `npm install` lines name. Then each block:
// - `ts` (run with tsx after one strict `tsc` over all of them, NodeNext) and `js` blocks run as one file;
// - `sh` blocks run with `bash -e`, the packed `fipc` bin on PATH;
// each in its own directory (with the README's blocks that start with `// name.ts`, under that name, so a
// block may import another), TWICE in that same directory, and must exit 0 by itself within the timeout,
// leave no process behind, and print the same both times (stdout and stderr, after normalizeOutput() of
// examples.ts has replaced timestamps, ids and ports). Running twice catches the example that only works in
// an empty folder. A block that must not run (an `npm install` line, which this tool performs, a browser
// snippet) has `<!-- check-examples: skip REASON -->` on the line above its fence.

const TIMEOUT_MS = 60_000;
const filter = process.argv.slice(2);
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const devVersion = (name: string) => rootManifest.devDependencies?.[name] as string | undefined;

// npm and the examples must not see pnpm's settings (pnpm exports npm_config_* to the scripts it runs).
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_)/i.test(key) && key !== 'NODE_OPTIONS'),
);

interface Example extends CodeBlock {
  readme: string;
  name: string;
}

function readmes(): string[] {
  const files = ['README.md'];
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    if (existsSync(join(root, 'packages', name, 'README.md'))) files.push(`packages/${name}/README.md`);
  }
  return files;
}

async function install(dir: string, dependencies: Record<string, string>, internal: string[]) {
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'fipc-examples',
      private: true,
      type: 'module',
      dependencies,
      overrides: Object.fromEntries(internal.map((dep) => [dep, `$${dep}`])),
    }),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, env: cleanEnv });
}

/** One strict tsc over every ts block; returns the errors by example name. */
async function typecheck(project: string, examples: Example[]): Promise<Map<string, string>> {
  const ts = examples.filter((e) => RUNNABLE[e.lang as keyof typeof RUNNABLE] === 'ts');
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: 'ES2023',
        lib: ['ES2023', 'DOM'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        moduleDetection: 'force',
        types: ['node'],
      },
      files: ts.map((e) => `${e.name}/example.ts`),
    }),
  );
  const result = await exec(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', '.'], {
    cwd: project,
    env: cleanEnv,
  });
  const errors = new Map<string, string>();
  for (const line of result.output.split('\n')) {
    const name = /^([\w.-]+)\/example\.ts/.exec(line)?.[1];
    if (name) errors.set(name, `${errors.get(name) ?? ''}${line}\n`);
  }
  if (result.code !== 0 && errors.size === 0) throw new Error(`tsc failed:\n${result.output}`);
  return errors;
}

function compare(a: RunResult, b: RunResult): string | undefined {
  for (const stream of ['stdout', 'stderr'] as const) {
    const first = normalizeOutput(a[stream]);
    const second = normalizeOutput(b[stream]);
    if (first !== second) {
      return `${stream} differs between the two runs\n--- first run\n${first}--- second run\n${second}`;
    }
  }
  return undefined;
}

const examples: Example[] = [];
const installs = new Set<string>();
for (const readme of readmes()) {
  const blocks = codeBlocks(readFileSync(join(root, readme), 'utf8'));
  for (const block of blocks) {
    for (const name of installedPackages(block.code)) installs.add(name);
    const slug = readme === 'README.md' ? 'root' : dirname(readme).split('/').at(-1)!;
    examples.push({ ...block, readme, name: `${slug}-${block.line}` });
  }
}
const selected = examples.filter(
  (e) =>
    e.lang in RUNNABLE && (!filter.length || filter.some((f) => e.readme.includes(f) || e.name.includes(f))),
);

const packages = publishedPackages();
const internal = packages.map((pkg) => pkg.manifest.name);
const work = mkdtempSync(join(tmpdir(), 'fipc-examples-'));
let failed = 0;
try {
  const tarballs = await packAll(packages, join(work, 'packs'));
  const dependencies: Record<string, string> = {};
  for (const name of internal) dependencies[name] = `file:${tarballs.get(name)}`;
  for (const spec of [...installs, 'tsx', 'typescript', '@types/node']) {
    const name = spec.replace(/(?<=.)@.*$/, '');
    if (internal.includes(name)) continue;
    if (!internal.includes(name) && name.startsWith('@fipc/'))
      throw new Error(`no package ${name} to install`);
    dependencies[name] ??= spec === name ? (devVersion(name) ?? 'latest') : spec.slice(name.length + 1);
  }
  const project = join(work, 'project');
  mkdirSync(project);
  await install(project, dependencies, internal);
  const env = { ...cleanEnv, PATH: `${join(project, 'node_modules/.bin')}:${cleanEnv.PATH}`, TZ: 'UTC' };

  // A block that starts with `// name.ts` is also a module the README's other blocks may import
  // (`import { contract } from './contract.js'`): it is written beside each of them under that name.
  const modules = new Map<string, Array<[string, string]>>();
  for (const example of examples) {
    const name = /^\/\/ ([\w.-]+\.[jt]s)\s*$/.exec(example.code.split('\n')[0] ?? '')?.[1];
    if (name) modules.set(example.readme, [...(modules.get(example.readme) ?? []), [name, example.code]]);
  }
  for (const example of selected) {
    mkdirSync(join(project, example.name));
    const kind = RUNNABLE[example.lang as keyof typeof RUNNABLE];
    for (const [name, code] of modules.get(example.readme) ?? []) {
      writeFileSync(join(project, example.name, name), `${code}\n`);
    }
    writeFileSync(
      join(project, example.name, kind === 'sh' ? 'example.sh' : `example.${kind}`),
      `${example.code}\n`,
    );
  }
  const typeErrors = await typecheck(
    project,
    selected.filter((e) => !e.skip),
  );

  for (const example of selected) {
    const where = `${example.readme}:${example.line} (${example.lang})`;
    if (example.skip) {
      console.log(`skip ${where}: ${example.skip}`);
      continue;
    }
    const kind = RUNNABLE[example.lang as keyof typeof RUNNABLE];
    const cwd = join(project, example.name);
    const [command, args]: [string, string[]] =
      kind === 'sh'
        ? ['bash', ['-e', 'example.sh']]
        : [process.execPath, kind === 'ts' ? ['--import', 'tsx', 'example.ts'] : ['example.js']];
    const problems: string[] = [];
    if (installedPackages(example.code).length) {
      problems.push(
        'installs packages, which this tool does itself: mark it <!-- check-examples: skip REASON -->',
      );
    }
    if (typeErrors.has(example.name)) problems.push(`does not type-check:\n${typeErrors.get(example.name)}`);
    const runs: RunResult[] = [];
    for (const attempt of problems.length ? [] : ['first', 'second']) {
      const result = await runOnce(command, args, cwd, env, TIMEOUT_MS);
      runs.push(result);
      if (result.problem || result.code !== 0) {
        problems.push(
          `the ${attempt} run ${result.problem ?? `exited ${result.code}`}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`,
        );
        break;
      }
    }
    if (runs.length === 2 && !problems.length) {
      const difference = compare(runs[0]!, runs[1]!);
      if (difference) problems.push(difference);
    }
    const seconds = runs.map((r) => (r.ms / 1000).toFixed(1)).join(' s, ');
    if (problems.length) {
      failed++;
      console.log(`FAIL ${where}\n${problems.join('\n').replace(/^/gm, '     ')}`);
    } else console.log(`ok   ${where}: ran twice (${seconds} s), same output`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const ran = selected.filter((e) => !e.skip).length;
console.log(
  `check-examples: ${ran - failed} of ${ran} code blocks ran twice with the same output` +
    `, ${selected.length - ran} skipped by a marker`,
);
process.exitCode = failed ? 1 : 0;
