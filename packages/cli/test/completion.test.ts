import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@fipc/test-utils';
import { describe, expect, it } from 'vitest';
import { quote, sh } from './helpers/shell.js';

const has = (shell: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${shell}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('fipc completion', { timeout: 300_000 }, () => {
  it('bash: completes commands, state subcommands, options, option values and paths', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'run-1'));
    const cases: Array<[string, string]> = [
      ['fipc st', 'state'],
      ['fipc state s', 'set'],
      ['fipc tail run-1 --f', '--from --follow'],
      ['fipc tail run-1 --from ', 'start end'],
      ['fipc pending run-1 --status c', 'claimed cancelled'],
      ['fipc state set run-1 --m', '--merge'],
      ['fipc completion ', 'bash zsh fish'],
      ['fipc emit run-1 x --phase ', ''],
      ['fipc tail ru', 'run-1'],
    ];
    const script = [
      'source <(fipc completion bash)',
      ...cases.map(
        ([line]) =>
          `COMP_WORDS=(${line.split(' ').map(quote).join(' ')}); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _fipc; echo "\${COMPREPLY[*]}"`,
      ),
    ].join('\n');
    const { code, stdout, stderr } = await sh(`bash -c ${quote(script)}`, { cwd });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(0, -1)).toEqual(cases.map(([, expected]) => expected));
  });

  it.skipIf(!has('fish'))('fish: completes commands, options and option values', async () => {
    const cases: Array<[string, string[]]> = [
      ['fipc st', ['state']],
      ['fipc state w', ['watch']],
      ['fipc tail run-1 --fo', ['--follow']],
      ['fipc tail run-1 --from ', ['end', 'start']],
      ['fipc completion ', ['bash', 'fish', 'zsh']],
    ];
    const script = [
      'fipc completion fish | source',
      ...cases.map(([line]) => `complete -C${quote(line)} | cut -f1 | sort | string join " "`),
    ].join('\n');
    const { code, stdout, stderr } = await sh(`fish --no-config -c ${quote(script)}`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(0, -1)).toEqual(cases.map(([, expected]) => expected.join(' ')));
  });

  it.skipIf(!has('zsh'))('zsh: completes subcommands and options in an interactive shell', async () => {
    // A real interactive zsh on a pseudo-terminal (zsh/zpty): type a line and a Tab, read what it became.
    const script = [
      'zmodload zsh/zpty',
      "zpty z 'TERM=dumb zsh -f -i'",
      `zpty -w z 'PS1="P> "; autoload -Uz compinit; compinit -u -D; source <(fipc completion zsh); echo READY'`,
      "out=''",
      "for i in {1..400}; do zpty -rt z chunk && out+=$chunk; [[ $out == *READY*'P> '* ]] && break; sleep 0.05; done",
      'tab() {',
      "  zpty -w -n z $'\\C-u'\"$1\"$'\\t'",
      "  local res='' chunk",
      '  for i in {1..60}; do zpty -rt z chunk && res+=$chunk; [[ $res == *"$2"* ]] && break; sleep 0.05; done',
      '  print -r -- "$res" | tr -d \'\\r\\n\'; echo',
      '}',
      "tab 'fipc state w' 'watch '",
      "tab 'fipc tail x --fr' '--from '",
      'zpty -d z',
    ].join('\n');
    const { code, stdout } = await sh(`zsh -f -c ${quote(script)}`);
    expect(code).toBe(0);
    const [state, tail] = stdout.split('\n');
    expect(state).toContain('fipc state watch ');
    expect(tail).toContain('fipc tail x --from ');
  });

  it('refuses an unknown shell', async () => {
    const { code, stderr } = await sh('fipc completion powershell');
    expect(code).toBe(2);
    expect(stderr).toMatch(/<shell> must be one of bash, zsh, fish/);
  });
});
