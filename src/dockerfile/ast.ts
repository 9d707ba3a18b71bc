/**
 * The Dockerfile AST: what `parse()` returns and every lint rule, fix and generator works on.
 *
 * Conventions, for every node:
 * - `range` is exact: `source.slice(range.start.offset, range.end.offset)` is the node's text as written
 *   (line continuations, comment lines inside continuations and quotes included). Offsets count UTF-16 code
 *   units of the `source` string (what JavaScript indexes); `line` and `column` are 1-based, `end` is exclusive.
 * - `value` is the logical text BuildKit works with: continuations removed, comment lines inside a continuation
 *   dropped, JSON strings decoded. Shell-form words keep their quotes in `value` (BuildKit strips them only when it
 *   expands the word; use `expand()` for that).
 * - Parse problems are values (`Dockerfile.problems`), never exceptions.
 *
 * Instructions are a union discriminated by `keyword` (`'From'`, `'Run'`, …), so a rule can say
 * `{ From(node) { … } }` and get a `FromInstruction`.
 */
import type { ShellScript } from './shell/ast.js';

/** A place in the source. */
export interface Position {
  /** 0-based index into `Dockerfile.source` (UTF-16 code units). */
  offset: number;
  /** 1-based line number. */
  line: number;
  /** 1-based column, in UTF-16 code units from the start of the line. */
  column: number;
}

/** A half-open span of the source: `start` included, `end` excluded. */
export interface Range {
  start: Position;
  end: Position;
}

/** Anything with a place in the source. */
export interface Node {
  range: Range;
}

/** A `# …` line. Comment lines inside a line continuation are listed too (`inInstruction: true`). */
export interface Comment extends Node {
  /** The text after `#`, trimmed. */
  text: string;
  /** True when the comment line sits inside an instruction's line continuation. */
  inInstruction: boolean;
}

/** A parser directive at the top of the file: `# syntax=…`, `# escape=…`, `# check=…`. */
export interface Directive extends Node {
  /** Lower-cased name: `syntax`, `escape` or `check`. */
  name: 'syntax' | 'escape' | 'check';
  value: string;
  nameRange: Range;
  valueRange: Range;
}

/** A word of an instruction after its flags: an image, a path, a JSON string, a key or a value. */
export interface Argument extends Node {
  /** Logical value (see the module comment): quotes kept for shell-form words, decoded for JSON strings. */
  value: string;
}

/** One `key=value` field of a `--mount` flag. */
export interface MountField extends Node {
  key: string;
  /** `null` for a bare key (`readonly`, `rw`). */
  value: string | null;
}

/** A parsed `--mount=type=cache,target=/root/.cache,…` flag value. */
export interface Mount {
  /** `bind` when no `type` field is given (BuildKit's default). */
  type: string;
  fields: MountField[];
  /** Convenience accessor: the value of the last field with this key (`target`/`dst`/`destination` are not merged). */
  get(key: string): string | undefined;
}

/** A builder flag such as `--from=build`, `--link`, `--mount=…`. */
export interface Flag extends Node {
  /** Name without dashes: `from`, `chown`, `mount`, `platform`, `start-interval`, … */
  name: string;
  /** The value after `=`, with quotes removed; `null` for a bare flag (`--link`). */
  value: string | null;
  nameRange: Range;
  /** Range of the value text (after `=`); `null` for a bare flag. */
  valueRange: Range | null;
  /** Present for `--mount` flags. */
  mount?: Mount;
}

/** A heredoc attached to `RUN`, `COPY` or `ADD` (`<<EOF`, `<<-EOF`, `<<'EOF'`, `3<<EOF`). */
export interface Heredoc extends Node {
  /** The delimiter word without quotes. */
  name: string;
  /** File descriptor before `<<`, `null` when none was written. */
  fileDescriptor: number | null;
  /** False when the delimiter was quoted: the body is taken literally. */
  expand: boolean;
  /** True for `<<-`: leading tabs are stripped from body lines and the terminator. */
  chomp: boolean;
  /** The body exactly as written (each line with its newline), terminator excluded. */
  content: string;
  /** The `<<EOF` token in the instruction line. */
  openerRange: Range;
  /** The body (same text as `content`). */
  contentRange: Range;
  /** The terminator line, newline excluded. */
  terminatorRange: Range;
}

/** Keywords BuildKit knows, as the AST's discriminant. `Unknown` covers anything else (BuildKit parses and ignores it). */
export type Keyword =
  | 'Add'
  | 'Arg'
  | 'Cmd'
  | 'Copy'
  | 'Entrypoint'
  | 'Env'
  | 'Expose'
  | 'From'
  | 'Healthcheck'
  | 'Label'
  | 'Maintainer'
  | 'Onbuild'
  | 'Run'
  | 'Shell'
  | 'Stopsignal'
  | 'User'
  | 'Volume'
  | 'Workdir'
  | 'Unknown';

/** Fields every instruction has. */
export interface InstructionBase extends Node {
  keyword: Keyword;
  /** The keyword as written (`from`, `FROM`, `From`). */
  keywordText: string;
  keywordRange: Range;
  flags: Flag[];
  /** BuildKit's argument list (the `Next` chain), with ranges. For ENV/LABEL: key, value, separator triples. */
  args: Argument[];
  /** Everything after the flags, as one logical string (BuildKit's `args`), and where it is. */
  argsText: string;
  argsRange: Range;
  /** Exec (JSON array) form. */
  json: boolean;
  heredocs: Heredoc[];
  /** Comment lines directly above the instruction (BuildKit's `PrevComment`). */
  comments: string[];
  /** Index of the stage this instruction belongs to; -1 for instructions before the first `FROM`. */
  stageIndex: number;
  /** The whole instruction as BuildKit sees it: one logical line, continuations removed. */
  logicalText: string;
}

/** `FROM [--platform=…] image [AS name]`. */
export interface FromInstruction extends InstructionBase {
  keyword: 'From';
  /** The image argument (unexpanded). `null` for a bare `FROM`. */
  image: Argument | null;
  /** The `AS` name argument, `null` when unnamed. */
  stageName: Argument | null;
}

/** `RUN` in shell form, exec form, or with heredocs. */
export interface RunInstruction extends InstructionBase {
  keyword: 'Run';
  /**
   * The shell AST of the body (shell form, or the heredoc bodies when the command is only a heredoc),
   * parsed on first access and shared by all rules. `null` for exec form.
   */
  readonly shell: ShellScript | null;
}

/** `COPY`/`ADD`: sources and destination, in shell or JSON form. */
export interface CopyInstruction extends InstructionBase {
  keyword: 'Copy' | 'Add';
  sources: Argument[];
  destination: Argument | null;
}

/** One `key=value` (or legacy `key value`) pair of ENV or LABEL. */
export interface KeyValuePair extends Node {
  key: Argument;
  value: Argument;
  /** `=` for `key=value`, `' '` for the legacy `ENV key value` form. */
  separator: '=' | ' ';
}

/** `ENV` and `LABEL`. */
export interface KeyValueInstruction extends InstructionBase {
  keyword: 'Env' | 'Label';
  pairs: KeyValuePair[];
}

/** One `name[=default]` of an ARG. */
export interface ArgDeclaration extends Node {
  name: string;
  /** The default as written (quotes kept), `null` when absent. */
  defaultValue: string | null;
}

/** `ARG name[=default] …`. */
export interface ArgInstruction extends InstructionBase {
  keyword: 'Arg';
  declarations: ArgDeclaration[];
}

/** `HEALTHCHECK [flags] CMD …` or `HEALTHCHECK NONE`. */
export interface HealthcheckInstruction extends InstructionBase {
  keyword: 'Healthcheck';
  /** Upper-cased type word: `CMD`, `NONE`, or whatever was written. `null` for a bare `HEALTHCHECK`. */
  kind: string | null;
  /** The command after `CMD` (JSON strings or one shell string). */
  command: Argument[];
}

/** `ONBUILD <instruction>`. */
export interface OnbuildInstruction extends InstructionBase {
  keyword: 'Onbuild';
  /** The trigger instruction, `null` for a bare `ONBUILD`. */
  trigger: Instruction | null;
}

/** Instructions whose arguments need nothing beyond `args`: CMD, ENTRYPOINT, SHELL, EXPOSE, USER, WORKDIR, … */
export interface SimpleInstruction extends InstructionBase {
  keyword: 'Cmd' | 'Entrypoint' | 'Shell' | 'Expose' | 'User' | 'Workdir' | 'Volume' | 'Stopsignal' | 'Maintainer' | 'Unknown';
}

/** Every instruction node. Narrow on `keyword`. */
export type Instruction =
  | FromInstruction
  | RunInstruction
  | CopyInstruction
  | KeyValueInstruction
  | ArgInstruction
  | HealthcheckInstruction
  | OnbuildInstruction
  | SimpleInstruction;

/** The node type of one keyword: `InstructionOf<'Env'>` is a `KeyValueInstruction` whose keyword is `'Env'`. */
export type InstructionOf<K extends Keyword> = Instruction & { keyword: K };

/** Callbacks per keyword, the shape lint rules use: `{ From(node) {…}, Run(node) {…} }`, each node typed. */
export type InstructionVisitor = { [K in Keyword]?: (node: InstructionOf<K>) => void };

/** A build stage: a `FROM` and the instructions up to the next one. */
export interface Stage extends Node {
  /** 0-based position among the stages. */
  index: number;
  /** The `AS` name, lower-cased as BuildKit compares it; `null` when unnamed. */
  name: string | null;
  from: FromInstruction;
  /** The base image as written (`node:${NODE_VERSION}`); `''` for a bare `FROM`. */
  baseRaw: string;
  /** The base with global ARG defaults expanded (`node:20`); equals `baseRaw` when nothing is to expand. */
  base: string;
  /** Index of the earlier stage this one builds on (`FROM build`), `null` for an image. */
  baseStage: number | null;
  /** The `--platform` value, `null` when absent. */
  platform: string | null;
  /** The stage's instructions, `FROM` included, in order. */
  instructions: Instruction[];
}

/** A parse problem with its place. Errors are what BuildKit rejects; warnings are what it accepts but flags. */
export interface ParseProblem extends Node {
  severity: 'error' | 'warning';
  message: string;
  /**
   * `syntax`: BuildKit's parser rejects the file (nothing is built). `instruction`: the file parses, but BuildKit's
   * instruction layer rejects it (an unknown instruction or flag, a FROM with two arguments, …).
   */
  phase: 'syntax' | 'instruction';
}

/** A parsed Dockerfile. */
export interface Dockerfile {
  /** Parser directives at the top of the file. */
  directives: Directive[];
  /** All instructions in order, including `ARG`s before the first `FROM`. */
  instructions: Instruction[];
  stages: Stage[];
  /** `ARG` instructions before the first `FROM` (they scope over `FROM` lines only). */
  globalArgs: ArgInstruction[];
  /** Every comment line, directives excluded. */
  comments: Comment[];
  /** The escape character in force: `\` or `` ` ``. */
  escapeChar: '\\' | '`';
  /** The exact input text. */
  source: string;
  problems: ParseProblem[];
}
