/**
 * Printing and editing. The AST's ranges partition the source: directives, comments and instructions own every
 * non-blank character, and printing concatenates them with the blank text between them. Edits are exact range
 * replacements on the source followed by a re-parse, the contract the linter's autofix builds on.
 */
import type { Dockerfile } from './ast.js';
import { parse } from './parse.js';

/** A replacement of the source text in `[range.start.offset, range.end.offset)` by `text`. */
export interface TextEdit {
  range: { start: { offset: number }; end: { offset: number } };
  text: string;
}

/** The outcome of `applyEdits`. */
export type ApplyEditsResult =
  | { ok: true; text: string; dockerfile: Dockerfile }
  | { ok: false; error: string; conflict: [TextEdit, TextEdit] | [TextEdit] };

/** The top-level nodes of a Dockerfile in source order: directives, comments outside instructions, instructions. */
function topLevelSpans(df: Dockerfile): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const d of df.directives) spans.push({ start: d.range.start.offset, end: d.range.end.offset });
  for (const c of df.comments) if (!c.inInstruction) spans.push({ start: c.range.start.offset, end: c.range.end.offset });
  for (const i of df.instructions) spans.push({ start: i.range.start.offset, end: i.range.end.offset });
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * Print a Dockerfile: each top-level node's text with the blank text (spaces, newlines, a byte-order mark)
 * between nodes. For a parsed, unchanged AST this gives back the input byte for byte.
 */
export function print(df: Dockerfile): string {
  const src = df.source;
  let out = '';
  let at = 0;
  for (const span of topLevelSpans(df)) {
    if (span.start < at) throw new Error(`overlapping AST ranges at offset ${span.start}`);
    out += src.slice(at, span.start);
    out += src.slice(span.start, span.end);
    at = span.end;
  }
  return out + src.slice(at);
}

/**
 * The text between top-level nodes that is not blank. Empty for every well-formed parse: a non-empty result means
 * some source text belongs to no node (a parser bug). Exposed for tests and diagnostics.
 */
export function unownedText(df: Dockerfile): { offset: number; text: string }[] {
  const src = df.source;
  const out: { offset: number; text: string }[] = [];
  let at = 0;
  const check = (from: number, to: number): void => {
    const gap = src.slice(from, to);
    if (/[^\s\uFEFF]/.test(gap)) out.push({ offset: from, text: gap });
  };
  for (const span of topLevelSpans(df)) {
    check(at, span.start);
    at = Math.max(at, span.end);
  }
  check(at, src.length);
  return out;
}

/**
 * Apply range edits to `text` and re-parse. Edits may come in any order; two edits that overlap (or insert at the
 * same offset) are rejected, as is an edit outside the text.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): ApplyEditsResult {
  const sorted = [...edits].sort((a, b) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset);
  let prev: TextEdit | undefined;
  for (const edit of sorted) {
    const { start, end } = { start: edit.range.start.offset, end: edit.range.end.offset };
    if (start < 0 || end > text.length || end < start) return { ok: false, error: `edit [${start}, ${end}) is outside the text (length ${text.length})`, conflict: [edit] };
    if (prev) {
      const pStart = prev.range.start.offset;
      const pEnd = prev.range.end.offset;
      if (start < pEnd || (start === pStart && start === pEnd && start === end) || (start === pEnd && pStart === pEnd && start === end)) {
        return { ok: false, error: `overlapping edits at offsets [${pStart}, ${pEnd}) and [${start}, ${end})`, conflict: [prev, edit] };
      }
    }
    prev = edit;
  }
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    out += text.slice(at, edit.range.start.offset) + edit.text;
    at = edit.range.end.offset;
  }
  out += text.slice(at);
  return { ok: true, text: out, dockerfile: parse(out) };
}
