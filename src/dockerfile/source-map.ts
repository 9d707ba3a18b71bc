/**
 * Offsets → positions, and logical lines (continuations removed) → source offsets.
 */
import type { Position, Range } from './ast.js';

/** Line starts of a text, for offset → line/column. */
export interface LineIndex {
  text: string;
  starts: number[];
  /** The line of the last lookup: parsers move forward, so most lookups hit it or the next line. */
  hint?: number;
}

export function lineIndex(text: string): LineIndex {
  const starts = [0];
  let i = text.indexOf('\n');
  while (i !== -1) {
    starts.push(i + 1);
    i = text.indexOf('\n', i + 1);
  }
  return { text, starts };
}

/** The position of `offset` (clamped to the text). */
export function positionAt(index: LineIndex, offset: number): Position {
  const o = offset < 0 ? 0 : offset > index.text.length ? index.text.length : offset;
  const starts = index.starts;
  const hint = index.hint ?? 0;
  const hs = starts[hint] ?? 0;
  if (o >= hs) {
    const next = starts[hint + 1];
    if (next === undefined || o < next) return { offset: o, line: hint + 1, column: o - hs + 1 };
    const after = starts[hint + 2];
    if (after === undefined || o < after) {
      index.hint = hint + 1;
      return { offset: o, line: hint + 2, column: o - next + 1 };
    }
  }
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= o) lo = mid;
    else hi = mid - 1;
  }
  index.hint = lo;
  return { offset: o, line: lo + 1, column: o - (starts[lo] ?? 0) + 1 };
}

export function rangeAt(index: LineIndex, start: number, end: number): Range {
  return { start: positionAt(index, start), end: positionAt(index, end) };
}

/**
 * A logical line: the text BuildKit works on after joining continuation lines, with the source offset of each
 * joined segment so that any logical index maps back to the source.
 */
export interface LogicalLine {
  text: string;
  /** Logical index where each segment starts (ascending, first is 0). */
  starts: number[];
  /** Source offset of each segment's first character. */
  sources: number[];
}

/** Source offset of the character at logical index `i` (or of the end of the text). */
export function toSource(line: LogicalLine, i: number): number {
  const { starts, sources } = line;
  let k = 0;
  let hi = starts.length - 1;
  while (k < hi) {
    const mid = (k + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= i) k = mid;
    else hi = mid - 1;
  }
  // at a segment boundary, an index equal to the next segment's start belongs to that segment
  return (sources[k] ?? 0) + (i - (starts[k] ?? 0));
}

/** Source offset just after the character at logical index `i - 1`. */
export function toSourceEnd(line: LogicalLine, i: number): number {
  if (i <= 0) return toSource(line, 0);
  return toSource(line, i - 1) + 1;
}

/** Source range of the logical span [start, end). */
export function logicalRange(index: LineIndex, line: LogicalLine, start: number, end: number): Range {
  const s = toSource(line, start);
  const e = end <= start ? s : toSourceEnd(line, end);
  return rangeAt(index, s, e);
}
