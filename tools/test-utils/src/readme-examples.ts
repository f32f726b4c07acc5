import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/**
 * Type-checks every ```ts block of a package's README.md as a module of that package (its tsconfig, its
 * dependencies, `@fipc/source` types), in memory. A block whose first line is `// <name>.ts` is that file, so
 * another block can import `./<name>.js` (a contract shared by a worker and a page, say). Returns the compiler's
 * messages, `[]` when every example compiles.
 */
export function readmeExampleErrors(packageDir: string): string[] {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const dir = join(packageDir, 'test', '.readme');
  const files = new Map<string, string>();
  for (const [index, [, code]] of [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].entries()) {
    const name = /^\/\/ ([\w-]+\.ts)\n/.exec(code!)?.[1] ?? `example-${index + 1}.ts`;
    files.set(join(dir, name), code!);
  }
  const config = ts.getParsedCommandLineOfConfigFile(
    join(packageDir, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  )!;
  const options = { ...config.options, noEmit: true, noUnusedLocals: false };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, directoryExists } = host;
  host.fileExists = (path) => files.has(path) || fileExists(path);
  host.directoryExists = (path) => path === dir || (directoryExists?.(path) ?? false);
  host.readFile = (path) => files.get(path) ?? readFile(path);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file && files.has(diagnostic.file.fileName))
    .map((diagnostic) => {
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const where = `${diagnostic.file!.fileName.slice(dirname(dir).length + 1)}:${line + 1}`;
      return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
}
