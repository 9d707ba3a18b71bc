/**
 * Searching shell ASTs: every simple command in a script (descending into lists, pipelines, groups, compound
 * commands and command substitutions), and the invocations of a program with their flags.
 */
import type { ShellCommand, ShellList, ShellScript, ShellWord, SimpleCommand } from './ast.js';
import { ScriptNode } from './script-node.js';

/** Programs that run their arguments as a command: `sudo apt-get …`, `env A=1 npm …`. */
const wrappers = new Set(['sudo', 'env', 'exec', 'command', 'nice', 'nohup', 'time', 'xargs', 'chroot', 'gosu', 'su-exec', 'doas']);

/** Call `visit` for every simple command in the script, in source order. */
export function walkCommands(script: ShellScript, visit: (command: SimpleCommand) => void): void {
  walkList(script.body, visit);
}

function walkList(list: ShellList, visit: (command: SimpleCommand) => void): void {
  for (const item of list.items) walkCommand(item.command, visit);
}

function walkWords(words: readonly ShellWord[], visit: (command: SimpleCommand) => void): void {
  for (const w of words) for (const s of w.substitutions) walkCommands(s, visit);
}

function walkCommand(command: ShellCommand, visit: (command: SimpleCommand) => void): void {
  switch (command.type) {
    case 'SimpleCommand':
      visit(command);
      walkWords(command.words, visit);
      for (const a of command.assignments) if (a.value) walkWords([a.value], visit);
      for (const r of command.redirects) if (r.heredoc) walkCommands(r.heredoc, visit);
      return;
    case 'Pipeline':
      for (const c of command.commands) walkCommand(c, visit);
      return;
    case 'AndOr':
      walkCommand(command.left, visit);
      walkCommand(command.right, visit);
      return;
    case 'Subshell':
    case 'BraceGroup':
      walkList(command.body, visit);
      return;
    default:
      walkWords(command.word ? [command.word, ...command.items] : command.items, visit);
      for (const body of command.bodies) walkList(body, visit);
  }
}

/** A program invocation found in a script. */
export interface Invocation {
  command: SimpleCommand;
  /** The program's words: name first, wrappers (`sudo`, `env X=1`) skipped. */
  argv: ShellWord[];
  /** Base name of the program (`/usr/bin/apt-get` → `apt-get`). */
  name: string;
  /** The first argument not starting with `-` (`install` in `apt-get -y install curl`), `null` if none. */
  subcommand: ShellWord | null;
  /** Arguments after the program name. */
  args: ShellWord[];
  /** True when any of the flags is present: `-y`, `--yes`, `--no-install-recommends`, or a combined `-qy`. */
  hasFlag(...flags: string[]): boolean;
  /** The value of `--name=value` or `--name value` (and `-n value`), `undefined` when absent. */
  flagValue(...flags: string[]): string | undefined;
  /** Arguments that are not flags (the subcommand included). */
  positionals: ShellWord[];
}

function baseName(value: string): string {
  const slash = value.lastIndexOf('/');
  return slash === -1 ? value : value.slice(slash + 1);
}

/** The program words of a simple command, wrappers skipped. */
function programWords(command: SimpleCommand): ShellWord[] {
  let words = command.words;
  for (let guard = 0; guard < 5; guard++) {
    const first = words[0];
    if (!first || !wrappers.has(baseName(first.value))) break;
    let k = 1;
    // skip the wrapper's own options and env-style assignments
    while (k < words.length) {
      const w = words[k]?.value ?? '';
      if (w.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) k++;
      else break;
    }
    if (k >= words.length) break;
    words = words.slice(k);
  }
  return words;
}

function invocation(command: SimpleCommand, argv: ShellWord[]): Invocation {
  const args = argv.slice(1);
  const subcommand = args.find((w) => !w.value.startsWith('-')) ?? null;
  const has = (flag: string): boolean =>
    args.some((w) => {
      const v = w.value;
      if (v === flag || v.startsWith(flag + '=')) return true;
      // combined short flags: -qy holds -y
      return /^-[A-Za-z]$/.test(flag) && /^-[A-Za-z]{2,}$/.test(v) && v.includes(flag.charAt(1));
    });
  return {
    command,
    argv,
    name: baseName(argv[0]?.value ?? ''),
    subcommand,
    args,
    positionals: args.filter((w) => !w.value.startsWith('-')),
    hasFlag: (...flags) => flags.some(has),
    flagValue: (...flags) => {
      for (let i = 0; i < args.length; i++) {
        const v = args[i]?.value ?? '';
        for (const f of flags) {
          if (v.startsWith(f + '=')) return v.slice(f.length + 1);
          if (v === f) return args[i + 1]?.value;
        }
      }
      return undefined;
    },
  };
}

/**
 * Every invocation of program `name` (by base name) in the script, optionally only those whose subcommand is
 * `subcommand` (`findCommands(script, 'apt-get', 'install')`).
 */
export function findCommands(script: ShellScript, name: string, subcommand?: string): Invocation[] {
  const out: Invocation[] = [];
  walkCommands(script, (command) => {
    const argv = programWords(command);
    const first = argv[0];
    if (!first || baseName(first.value) !== name) return;
    const inv = invocation(command, argv);
    if (subcommand !== undefined && inv.subcommand?.value !== subcommand) return;
    out.push(inv);
  });
  return out;
}

/**
 * Every invocation in the script, wrappers skipped. Computed once per parsed script and shared: callers must not
 * change the array.
 */
export function allInvocations(script: ShellScript): Invocation[] {
  return ScriptNode.invocations(script, computeInvocations);
}

function computeInvocations(script: ShellScript): Invocation[] {
  const out: Invocation[] = [];
  for (const command of allCommands(script)) {
    const argv = programWords(command);
    if (argv.length > 0) out.push(invocation(command, argv));
  }
  return out;
}

/**
 * Every simple command of the script in `walkCommands` order, as one array computed once per parsed script and
 * shared: rules that look at every command loop over it instead of each walking the tree. Callers must not change it.
 */
export function allCommands(script: ShellScript): readonly SimpleCommand[] {
  return ScriptNode.commands(script, computeCommands);
}

function computeCommands(script: ShellScript): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  walkCommands(script, (command) => out.push(command));
  return out;
}
