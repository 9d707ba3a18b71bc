/** Edit builders for fixes: exact range replacements on the Dockerfile source. */
import type { Instruction, Range, RunInstruction, TextEdit } from '../dockerfile/index.js';

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
