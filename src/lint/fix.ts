/**
 * Autofix: apply the findings' edits through the parser's `applyEdits` (exact range replacements and a re-parse),
 * pass after pass until nothing is left to fix. An edit set that would add a parse error — of the Dockerfile, or of a
 * RUN script (`…; && rm …` is a fine Dockerfile line and a shell syntax error the build fails on) — is dropped, so the
 * output always parses at least as well as the input; the loop's fixed point makes fixing idempotent.
 */
import { applyEdits, parse, type Dockerfile, type TextEdit } from '../dockerfile/index.js';
import { editsOf, lintDockerfile, type LintOptions, type LintResult } from './engine.js';
import type { Finding } from './types.js';

export interface AppliedFix {
  ruleId: string;
  message: string;
  kind: 'fix' | 'suggestion';
}

export interface FixResult {
  output: string;
  changed: boolean;
  applied: AppliedFix[];
  /** The lint of the fixed text. */
  result: LintResult;
}

const maxPasses = 10;

/** The parse errors of a Dockerfile and the syntax problems of its RUN scripts. */
function errorCount(df: Dockerfile): number {
  let n = 0;
  for (const p of df.problems) if (p.severity === 'error') n++;
  for (const i of df.instructions) if (i.keyword === 'Run' && i.shell) n += i.shell.problems.length;
  return n;
}

function span(edits: readonly TextEdit[]): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const e of edits) {
    start = Math.min(start, e.range.start.offset);
    end = Math.max(end, e.range.end.offset);
  }
  return { start, end };
}

/** Lints and fixes `source`: `fix` applies safe fixes, `all` applies suggestions too. */
export function fixText(source: string, options: LintOptions & { mode: 'fix' | 'all' }): FixResult {
  const applied: AppliedFix[] = [];
  let text = source;
  let df = parse(text);
  let baseErrors = errorCount(df);
  let result = lintDockerfile(df, { ...options, fixes: options.mode });
  /** The parse of `candidate` when it differs from the text and parses no worse, else `undefined`. */
  const accept = (candidate: string, from: string): Dockerfile | undefined => {
    if (candidate === from) return undefined;
    const parsed = parse(candidate);
    return errorCount(parsed) <= baseErrors ? parsed : undefined;
  };
  for (let pass = 0; pass < maxPasses; pass++) {
    // non-overlapping edit sets, first come first served
    const chosen: { finding: Finding; edits: readonly TextEdit[] }[] = [];
    const taken: { start: number; end: number }[] = [];
    for (const finding of result.findings) {
      const edits = editsOf(finding, options.mode);
      if (!edits || edits.length === 0) continue;
      const s = span(edits);
      if (taken.some((t) => s.start < t.end && t.start < s.end) || taken.some((t) => t.start === s.start && (s.start === s.end || t.start === t.end))) continue;
      taken.push(s);
      chosen.push({ finding, edits });
    }
    if (chosen.length === 0) break;
    let next: { text: string; df: Dockerfile } | undefined;
    const all = applyEdits(text, chosen.flatMap((c) => c.edits));
    const allParsed = all.ok ? accept(all.text, text) : undefined;
    if (all.ok && allParsed) {
      next = { text: all.text, df: allParsed };
      for (const c of chosen) applied.push(record(c.finding));
    } else {
      // one at a time from the end (so earlier offsets stay valid), keeping those that parse
      let t = text;
      let tParsed: Dockerfile | undefined;
      for (const c of [...chosen].sort((a, b) => span(b.edits).start - span(a.edits).start)) {
        const one = applyEdits(t, c.edits);
        const oneParsed = one.ok ? accept(one.text, t) : undefined;
        if (one.ok && oneParsed) {
          t = one.text;
          tParsed = oneParsed;
          applied.push(record(c.finding));
        }
      }
      if (tParsed) next = { text: t, df: tParsed };
    }
    if (next === undefined) break;
    text = next.text;
    df = next.df;
    baseErrors = errorCount(df);
    result = lintDockerfile(df, { ...options, fixes: options.mode });
  }
  return { output: text, changed: text !== source, applied, result };
}

function record(finding: Finding): AppliedFix {
  return { ruleId: finding.ruleId, message: finding.message, kind: finding.fix ? 'fix' : 'suggestion' };
}
