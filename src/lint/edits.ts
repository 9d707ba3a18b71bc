/** Edit builders for fixes: exact range replacements on the Dockerfile source. */
import { allCommands, type Instruction, type Range, type RunInstruction, type SimpleCommand, type TextEdit } from '../dockerfile/index.js';

/** Insert `text` at `offset`. */
export function insertAt(offset: number, text: string): TextEdit {
  return { range: { start: { offset }, end: { offset } }, text };
}

/** Replace the text of `range` by `text`. */
export function replaceRange(range: Range, text: string): TextEdit {
  return { range: { start: { offset: range.start.offset }, end: { offset: range.end.offset } }, text };
}

/** Remove an instruction with its line ending (and the comment lines directly above it stay). */
export function removeInstruction(source: string, instruction: Instruction): TextEdit {
  const start = instruction.range.start.offset;
  let end = instruction.range.end.offset;
  if (source.charAt(end) === '\r') end++;
  if (source.charAt(end) === '\n') end++;
  return { range: { start: { offset: start }, end: { offset: end } }, text: '' };
}

/** The source line's leading white space where `offset` is. */
export function indentAt(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart, offset))?.[0] ?? '';
}

/** The newline style of the file. */
export function newlineOf(source: string): string {
  return source.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Where `&& …` can follow the script of a shell-form RUN: the end of its last command, before a trailing `;` or
 * `# comment` (after a comment the new command would be commented out, and `; &&` does not parse). `undefined` for a
 * RUN with heredocs or a script that does not parse, and for one ending in a background job (`&`), which `&&` would
 * not wait for.
 */
export function scriptEnd(run: RunInstruction): number | undefined {
  const shell = run.shell;
  if (!shell || run.heredocs.length > 0 || shell.problems.length > 0) return undefined;
  const last = shell.body.items[shell.body.items.length - 1];
  if (!last || last.separator === '&') return undefined;
  return last.command.range.end.offset;
}

/** `exec …`, or an `exit` that may succeed: what follows in the script may never run while the RUN still passes. */
function endsEarly(command: SimpleCommand): boolean {
  const [name, status] = command.words;
  if (name?.value === 'exec') return true;
  // `exit 1` fails the build anyway
  return name?.value === 'exit' && !/^[1-9][0-9]*$/.test(status?.value ?? '0');
}

/**
 * Whether a RUN's script may `exec` or `exit` with success before its end: commands joined after it with `&&` (or a
 * RUN merged into it) might then never run while the build goes on. `false` for a script that does not parse.
 */
export function mayEndEarly(run: RunInstruction): boolean {
  return run.shell !== null && allCommands(run.shell).some(endsEarly);
}

/**
 * The escape character (with the blanks around it) that continues `instruction`'s last line into the end of the
 * file, as the range to remove: BuildKit ends the instruction at the end of the file, and drops the escape, so the
 * instruction means the same without it, while a line added after it would join it. `undefined` when the
 * instruction's last line ends it, and for heredocs (the continuation ends before their body).
 */
export function danglingEscape(source: string, escapeChar: string, instruction: Instruction): { start: number; end: number } | undefined {
  if ('heredocs' in instruction && instruction.heredocs.length > 0) return undefined;
  const lines = source.slice(instruction.range.start.offset, instruction.range.end.offset).split('\n');
  let lineStart = instruction.range.end.offset;
  // from the last line up: comment and blank lines inside the continuation belong to no line of the instruction
  for (let k = lines.length - 1; k >= 0; k--) {
    const line = (lines[k] ?? '').replace(/\r$/, '');
    lineStart -= (lines[k] ?? '').length + (k === lines.length - 1 ? 0 : 1);
    if (/^\s*(#.*)?$/.test(line) && k > 0) continue;
    const m = /([ \t]*)(.)([ \t]*)$/.exec(line);
    if (!m || m[2] !== escapeChar || line.charAt(m.index + (m[1]?.length ?? 0) - 1) === escapeChar) return undefined;
    return { start: lineStart + m.index, end: lineStart + line.length };
  }
  return undefined;
}

/**
 * Whether `instruction` (or its ONBUILD trigger) has a heredoc with no terminator line: its body runs to the end of
 * the file, and a line added after it would be part of that body.
 */
export function endsInOpenHeredoc(instruction: Instruction): boolean {
  const target = instruction.keyword === 'Onbuild' ? instruction.trigger : instruction;
  if (!target || !('heredocs' in target)) return false;
  // the parser gives an unterminated heredoc an empty terminator range at the end of the file
  return target.heredocs.some((h) => h.terminatorRange.start.offset === h.terminatorRange.end.offset);
}

/** `edits` (non-overlapping) as one edit over the span they cover: two inserts at one offset would conflict. */
export function asOneEdit(source: string, edits: readonly TextEdit[]): TextEdit {
  const sorted = [...edits].sort((a, b) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset);
  const start = sorted[0]?.range.start.offset ?? 0;
  let at = start;
  let text = '';
  for (const e of sorted) {
    text += source.slice(at, e.range.start.offset) + e.text;
    at = e.range.end.offset;
  }
  return { range: { start: { offset: start }, end: { offset: at } }, text };
}
