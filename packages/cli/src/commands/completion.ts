import type { Command } from '../command.js';
import { CliError } from '../errors.js';

const shells = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof shells)[number];

// Values offered after an option that takes one; every other option value and positional completes paths.
const optionValues: Record<string, string[]> = {
  from: ['start', 'end'],
  status: ['pending', 'claimed', 'answered', 'cancelled', 'expired'],
};

/** `fipc completion`: prints a completion script generated from the command definitions. */
export const completion: Command = {
  name: 'completion',
  summary: 'Print the shell completion script for bash, zsh or fish.',
  args: ['<shell>'],
  description: [
    'Prints a script that completes fipc commands, their options, known option values and paths.',
    'Load it in the current shell with one of:',
    '  bash:  source <(fipc completion bash)       (or save it in ~/.local/share/bash-completion/completions/fipc)',
    '  zsh:   source <(fipc completion zsh)        (after compinit; or save it as _fipc in a $fpath folder)',
    '  fish:  fipc completion fish | source        (or save it in ~/.config/fish/completions/fipc.fish)',
  ].join('\n'),
  options: {},
  examples: ['fipc completion bash > ~/.local/share/bash-completion/completions/fipc'],
  async run({ positionals: [shell] }, context) {
    if (!shells.includes(shell as Shell)) {
      throw new CliError('USAGE', `<shell> must be one of ${shells.join(', ')}, got "${shell}"`);
    }
    const { commands } = await import('../cli.js');
    await context.out(scripts[shell as Shell](commands).trimEnd());
    return 0;
  },
};

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
const flags = (command: Command) => [
  ...Object.keys(command.options).map((name) => `--${name}`),
  ...Object.values(command.options).flatMap((o) => (o.short ? [`-${o.short}`] : [])),
  '--help',
];
const valued = (command: Command) =>
  Object.entries(command.options).flatMap(([name, o]) =>
    o.type === 'string' ? [`--${name}`, ...(o.short ? [`-${o.short}`] : [])] : [],
  );
const tops = (commands: readonly Command[]) => [
  ...new Set(commands.map((c) => c.name.split(' ')[0]!)),
  'help',
];
const subs = (commands: readonly Command[], group: string) =>
  commands.filter((c) => c.name.startsWith(`${group} `)).map((c) => c.name.split(' ')[1]!);
const groups = (commands: readonly Command[]) => [
  ...new Set(commands.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!)),
];

const scripts: Record<Shell, (commands: readonly Command[]) => string> = {
  bash: (commands) => `# fipc completion for bash: source <(fipc completion bash)
_fipc() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd=\${COMP_WORDS[1]}
  if (( COMP_CWORD == 1 )); then
    COMPREPLY=($(compgen -W ${quote(tops(commands).join(' '))} -- "$cur")); return
  fi
  case $cmd in
${groups(commands)
  .map(
    (g) => `    ${g})
      if (( COMP_CWORD == 2 )); then COMPREPLY=($(compgen -W ${quote(subs(commands, g).join(' '))} -- "$cur")); return; fi
      cmd="$cmd \${COMP_WORDS[2]}" ;;`,
  )
  .join('\n')}
    completion) COMPREPLY=($(compgen -W ${quote(shells.join(' '))} -- "$cur")); return ;;
    help) COMPREPLY=($(compgen -W ${quote(tops(commands).join(' '))} -- "$cur")); return ;;
  esac
  local flags='' valued=''
  case $cmd in
${commands
  .filter((c) => c.name !== 'completion')
  .map(
    (c) =>
      `    ${quote(c.name)}) flags=${quote(flags(c).join(' '))}; valued=${quote(valued(c).join(' '))} ;;`,
  )
  .join('\n')}
  esac
  case $prev in
${Object.entries(optionValues)
  .map(
    ([name, values]) =>
      `    --${name}) COMPREPLY=($(compgen -W ${quote(values.join(' '))} -- "$cur")); return ;;`,
  )
  .join('\n')}
  esac
  if [[ " $valued " == *" $prev "* ]]; then COMPREPLY=(); return; fi
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$flags" -- "$cur")); return; fi
  compopt -o filenames 2>/dev/null
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _fipc fipc
`,

  zsh: (commands) => `#compdef fipc
# fipc completion for zsh: source <(fipc completion zsh) after compinit, or save as _fipc in $fpath.
_fipc() {
  local -a described
  if (( CURRENT == 2 )); then
    described=(${commands
      .filter((c) => !c.name.includes(' '))
      .map((c) => quote(`${c.name}:${c.summary}`))
      .concat(
        groups(commands).map((g) => quote(`${g}:${g} commands`)),
        [quote('help:show help')],
      )
      .join(' ')})
    _describe command described; return
  fi
  local cmd=$words[2]
  case $cmd in
${groups(commands)
  .map(
    (g) => `    ${g})
      if (( CURRENT == 3 )); then
        described=(${commands
          .filter((c) => c.name.startsWith(`${g} `))
          .map((c) => quote(`${c.name.split(' ')[1]}:${c.summary}`))
          .join(' ')})
        _describe '${g} command' described; return
      fi
      cmd="$cmd $words[3]" ;;`,
  )
  .join('\n')}
  esac
  case $cmd in
${commands
  .map((c) => {
    if (c.name === 'completion') return `    completion) compadd ${shells.join(' ')} ;;`;
    const specs = Object.entries(c.options).map(([name, o]) => {
      const text = o.description.replace(/[[\]:'\\]/g, ' ');
      const repeat = o.multiple ? '*' : '';
      const action =
        o.type === 'string'
          ? `:${o.value ?? name}:${optionValues[name] ? `(${optionValues[name].join(' ')})` : ''}`
          : '';
      return quote(`${repeat}--${name}[${text}]${action}`);
    });
    return `    ${quote(c.name)}) _arguments ${[...specs, quote('--help[show help]'), quote('*:path:_files')].join(' ')} ;;`;
  })
  .join('\n')}
    help) compadd ${tops(commands).join(' ')} ;;
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _fipc "$@"; else compdef _fipc fipc; fi
`,

  fish: (commands) => {
    const lines = [
      '# fipc completion for fish: fipc completion fish | source',
      'complete -c fipc -f',
      ...commands
        .filter((c) => !c.name.includes(' '))
        .map((c) => `complete -c fipc -n __fish_use_subcommand -a ${c.name} -d ${quote(c.summary)}`),
      ...groups(commands).map(
        (g) => `complete -c fipc -n __fish_use_subcommand -a ${g} -d ${quote(`${g} commands`)}`,
      ),
      `complete -c fipc -n __fish_use_subcommand -a help -d 'show help'`,
      `complete -c fipc -n '__fish_seen_subcommand_from completion' -a ${quote(shells.join(' '))}`,
    ];
    for (const g of groups(commands)) {
      const members = subs(commands, g);
      lines.push(
        ...commands
          .filter((c) => c.name.startsWith(`${g} `))
          .map(
            (c) =>
              `complete -c fipc -n ${quote(`__fish_seen_subcommand_from ${g}; and not __fish_seen_subcommand_from ${members.join(' ')}`)} -a ${c.name.split(' ')[1]} -d ${quote(c.summary)}`,
          ),
      );
    }
    for (const c of commands.filter((c) => c.name !== 'completion')) {
      const [head, sub] = c.name.split(' ');
      const when = quote(
        `__fish_seen_subcommand_from ${head}${sub ? `; and __fish_seen_subcommand_from ${sub}` : ''}`,
      );
      lines.push(`complete -c fipc -n ${when} -F`);
      for (const [name, o] of Object.entries(c.options)) {
        const values = optionValues[name] ? ` -a ${quote(optionValues[name].join(' '))}` : '';
        const takes = o.type === 'string' ? ' -x' : '';
        lines.push(
          `complete -c fipc -n ${when} -l ${name}${o.short ? ` -s ${o.short}` : ''}${takes}${values} -d ${quote(o.description)}`,
        );
      }
    }
    return `${lines.join('\n')}\n`;
  },
};
