/**
 * The shell AST of `RUN` bodies (POSIX sh with the bash bits Dockerfiles use). Ranges are Dockerfile source
 * ranges when the script came from a Dockerfile (so findings point at the exact word), else ranges in the text.
 */
import type { Range } from '../ast.js';

/** A shell word: `"$HOME"/bin`, `--no-install-recommends`, `'a b'`. */
export interface ShellWord {
  type: 'Word';
  range: Range;
  /** The word as written. */
  text: string;
  /**
   * Quotes removed and backslash escapes resolved; parameter expansions and command substitutions are kept
   * as written (`$HOME/bin`), since their values are unknown at lint time.
   */
  value: string;
  /** Some part of the word was quoted. */
  quoted: boolean;
  /** The word holds `$…`, `${…}`, `$(…)` or a backquoted command substitution outside single quotes. */
  expands: boolean;
  /** Scripts of the command substitutions inside the word (`$(…)` and backquotes), parsed. */
  substitutions: ShellScript[];
}

/** `NAME=value` before a command (or alone). */
export interface ShellAssignment {
  type: 'Assignment';
  range: Range;
  name: string;
  value: ShellWord | null;
}

/** A redirection: `> file`, `2>&1`, `<<EOF`. */
export interface ShellRedirect {
  type: 'Redirect';
  range: Range;
  /** The operator: `>`, `>>`, `<`, `<<`, `<<-`, `>&`, `<&`, `<>`, `>|`, `&>`, `&>>`, `<<<`. */
  op: string;
  /** File descriptor written before the operator, `null` when none. */
  fd: number | null;
  target: ShellWord | null;
  /**
   * For `<<`/`<<-` into a shell (`RUN bash -e <<EOF` in a Dockerfile): the parsed body of that heredoc, which the
   * shell runs as its script. Searches descend into it.
   */
  heredoc?: ShellScript;
}

/** A simple command: assignments, argv words, redirections. */
export interface SimpleCommand {
  type: 'SimpleCommand';
  range: Range;
  assignments: ShellAssignment[];
  /** argv: the command name first. Empty for a bare assignment. */
  words: ShellWord[];
  redirects: ShellRedirect[];
}

/** `a | b | c` (`|&` counts as `|`). */
export interface Pipeline {
  type: 'Pipeline';
  range: Range;
  /** `!` in front. */
  negated: boolean;
  commands: ShellCommand[];
}

/** `a && b`, `a || b`: left-associative. */
export interface AndOr {
  type: 'AndOr';
  range: Range;
  op: '&&' | '||';
  left: ShellCommand;
  right: ShellCommand;
}

/** `( list )` or `{ list; }`. */
export interface Group {
  type: 'Subshell' | 'BraceGroup';
  range: Range;
  body: ShellList;
  redirects: ShellRedirect[];
}

/** `if`, `while`, `until`, `for`, `case`, function definitions: kept with their inner lists so searches descend. */
export interface CompoundCommand {
  type: 'If' | 'While' | 'Until' | 'For' | 'Case' | 'Function';
  range: Range;
  /** The inner lists in source order (conditions, bodies, case items). */
  bodies: ShellList[];
  /** The loop variable of `for`, the word of `case`, the name of a function. */
  word: ShellWord | null;
  /** The words after `for x in`, or the patterns of `case` items. */
  items: ShellWord[];
  redirects: ShellRedirect[];
}

/** Any command. */
export type ShellCommand = SimpleCommand | Pipeline | AndOr | Group | CompoundCommand;

/** One entry of a list and how it ends: `;`, `&`, a newline, or nothing at the end. */
export interface ListItem {
  command: ShellCommand;
  separator: ';' | '&' | '\n' | null;
}

/** Commands separated by `;`, `&` or newlines. */
export interface ShellList {
  type: 'List';
  range: Range;
  items: ListItem[];
}

/** A syntax problem in a shell body. */
export interface ShellProblem {
  range: Range;
  message: string;
}

/** The parse of one script. */
export interface ShellScript {
  type: 'Script';
  range: Range;
  /** The script text as the shell sees it (Dockerfile line continuations removed). */
  text: string;
  body: ShellList;
  problems: ShellProblem[];
}
