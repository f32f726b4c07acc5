import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { errorCodes, exportedNames, readmeProblems, sections } from '../src/readme.js';

const index = `export { WidgetError, type WidgetErrorCode } from './errors.js';
export { openWidget, type WidgetOptions as Options } from './widget.js';
export type { Frame } from './frame.js';
export const VERSION = 1;
`;
const errors = `export type WidgetErrorCode =\n  | 'WIDGET_CLOSED'\n  | "WIDGET_BROKEN";\n`;
const complete = `# @x/widget

## Install

\`\`\`sh
npm install @x/widget
\`\`\`

## Quick start

\`\`\`ts
import { openWidget } from '@x/widget';
\`\`\`

## API

### openWidget(path, options: Options)
Returns a Frame; VERSION is 1. Throws WidgetError with a WidgetErrorCode.

## Errors

| code | when |
| --- | --- |
| \`WIDGET_CLOSED\` | closed |
| \`WIDGET_BROKEN\` | broken |

## Guarantees (durability, ordering, crashes)

Nothing is lost.
`;

function widget(readme: string | null) {
  const dir = tempDir('fipc-readme-');
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src/index.ts'), index);
  writeFileSync(join(dir, 'src/errors.ts'), errors);
  if (readme !== null) writeFileSync(join(dir, 'README.md'), readme);
  return readmeProblems(dir, '@x/widget');
}

describe('README check', () => {
  it('reads export lists, renames, type-only exports and declarations', () => {
    expect(exportedNames(index).sort()).toEqual(
      ['Frame', 'Options', 'VERSION', 'WidgetError', 'WidgetErrorCode', 'openWidget'].sort(),
    );
  });

  it('does not take a heading inside fenced code for a section', () => {
    const found = sections('## API\n```md\n## Errors\n```\ntext\n');
    expect([...found.keys()]).toEqual(['API']);
  });

  it('accepts a complete README', () => {
    expect(widget(complete)).toEqual([]);
  });

  it('reads the codes of a literal union with comments, and skips a computed one', () => {
    const dir = tempDir('fipc-codes-');
    writeFileSync(
      join(dir, 'a.ts'),
      "export type AErrorCode =\n  /** closed */\n  | 'A_CLOSED'\n  // broken\n  | 'A_BROKEN';\nexport type BErrorCode = Exclude<keyof typeof X, 'OK'>;\n",
    );
    expect(errorCodes(dir)).toEqual(['A_CLOSED', 'A_BROKEN']);
  });

  it('accepts a shell quick start that runs the bin of a command-line package', () => {
    const dir = tempDir('fipc-bin-');
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/index.ts'), index);
    writeFileSync(join(dir, 'src/errors.ts'), errors);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: '@x/widget', bin: { widget: './dist/bin.js' } }),
    );
    const shell = complete.replace(
      "```ts\nimport { openWidget } from '@x/widget';\n```",
      '```sh\nmkdir run\nwidget open run\n```',
    );
    writeFileSync(join(dir, 'README.md'), shell);
    expect(readmeProblems(dir, '@x/widget')).toEqual([]);
    writeFileSync(join(dir, 'README.md'), shell.replace('widget open', 'other open'));
    expect(readmeProblems(dir, '@x/widget')).toEqual([
      "Quick start has no code block importing from '@x/widget' or running widget",
    ]);
  });

  it('reports a missing README', () => {
    expect(widget(null)).toEqual(['README.md is missing']);
  });

  it('reports each missing or empty section', () => {
    const problems = widget(
      complete.replace('## Guarantees', '## Notes').replace(/## Errors[\s\S]*?## /, '## Errors\n\n## '),
    );
    expect(problems).toContain('no "## Guarantees" section');
    expect(problems).toContain('"## Errors" is empty');
  });

  it('reports undocumented exports and error codes, and a quick start that does not import the package', () => {
    const problems = widget(
      complete
        .replace('VERSION is 1. ', '')
        .replace('| `WIDGET_BROKEN` | broken |\n', '')
        .replace("from '@x/widget'", "from 'other'"),
    );
    expect(problems).toEqual([
      "Quick start has no code block importing from '@x/widget'",
      'neither API nor Errors mentions VERSION',
      'Errors does not mention WIDGET_BROKEN',
    ]);
  });
});
