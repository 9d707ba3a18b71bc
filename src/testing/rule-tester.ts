/**
 * RuleTester: a rule's behaviour as a truth table. `valid` cases must report nothing; `invalid` cases must report
 * exactly the listed errors and, after fixing, give exactly `output`. Every fixed output must parse with no more
 * errors than the input, and fixing it again must change nothing (idempotence). Framework-agnostic: pass your test
 * runner's `describe` and `it` (vitest, node:test, mocha).
 */
import { deepStrictEqual, strictEqual } from 'node:assert';
import { parse } from '../dockerfile/index.js';
import { lintText } from '../lint/engine.js';
import { fixText } from '../lint/fix.js';
import type { ContextFiles, Finding, Rule, RuleSettings, Severity } from '../lint/types.js';

/** Build-context files of a case, path → content (a directory is any path with files below it). */
export type CaseFiles = Readonly<Record<string, string>>;

export interface ValidCase {
  code: string;
  name?: string;
  files?: CaseFiles;
  settings?: Partial<RuleSettings>;
}

export interface ExpectedError {
  messageId: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  severity?: Severity;
  /** The whole message, with its data filled in. */
  message?: string;
}

export interface InvalidCase extends ValidCase {
  /** The reports, in source order: message ids or fuller expectations. */
  errors: readonly (string | ExpectedError)[];
  /** The text after fixing (`--fix`, or `--fix=all` when `mode` says so); omitted or `null`: no change. */
  output?: string | null;
  /** Which edits to apply for `output`: safe fixes (default) or suggestions too. */
  mode?: 'fix' | 'all';
}

export interface RuleTestCases {
  valid: readonly (string | ValidCase)[];
  invalid: readonly InvalidCase[];
}

export interface TestFunctions {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => void): void;
}

/** Context files held in memory, for tests. */
export function memoryFiles(files: CaseFiles): ContextFiles {
  const paths = Object.keys(files).map((p) => p.replace(/^\.\//, ''));
  return {
    exists: (path) => {
      const p = path.replace(/^\.\//, '').replace(/\/$/, '');
      return paths.some((q) => q === p || q.startsWith(`${p}/`));
    },
    read: (path) => files[path.replace(/^\.\//, '')],
  };
}

function options(rule: Rule, c: ValidCase): Parameters<typeof lintText>[1] {
  return { rules: [declaredOnly(rule)], file: 'Dockerfile', ...(c.settings ? { settings: c.settings } : {}), files: c.files ? memoryFiles(c.files) : null };
}

/**
 * The rule with a check of its `meta.visits`: the engine calls only the visitors a rule declares (and skips
 * `create()` for files without them), so a visitor missing from the list would silently never run.
 */
function declaredOnly(rule: Rule): Rule {
  const visits = rule.meta.visits;
  if (!visits) return rule;
  return {
    meta: rule.meta,
    create(ctx) {
      const visitors = rule.create(ctx);
      for (const key of Object.keys(visitors)) {
        if (!(visits as readonly string[]).includes(key)) throw new Error(`${rule.meta.id} returns a ${key} visitor that meta.visits does not list`);
      }
      return visitors;
    },
  };
}

function title(code: string): string {
  const one = code.replace(/\s+/g, ' ').trim();
  return one.length > 70 ? `${one.slice(0, 67)}…` : one;
}

/** Checks one valid case; throws an AssertionError on failure. */
export function checkValid(rule: Rule, c: ValidCase): void {
  const result = lintText(c.code, options(rule, c));
  deepStrictEqual(
    result.findings.map((f) => `${f.range.start.line}:${f.range.start.column} ${f.message}`),
    [],
    'a valid case reported findings',
  );
  deepStrictEqual(result.ruleFailures, [], 'the rule threw');
}

/** Checks one invalid case; throws an AssertionError on failure. */
export function checkInvalid(rule: Rule, c: InvalidCase): void {
  const mode = c.mode ?? 'fix';
  const result = lintText(c.code, { ...options(rule, c), fixes: mode });
  deepStrictEqual(result.ruleFailures, [], 'the rule threw');
  const actual = result.findings.map((f) => ({ f, messageId: f.messageId }));
  strictEqual(actual.length, c.errors.length, `expected ${c.errors.length} finding(s), got ${actual.length}: ${actual.map((a) => a.f.message).join(' | ')}`);
  c.errors.forEach((e, i) => {
    const exp: ExpectedError = typeof e === 'string' ? { messageId: e } : e;
    const a = actual[i];
    if (!a) return;
    const got: Partial<ExpectedError> = { messageId: a.messageId };
    if (exp.line !== undefined) got.line = a.f.range.start.line;
    if (exp.column !== undefined) got.column = a.f.range.start.column;
    if (exp.endLine !== undefined) got.endLine = a.f.range.end.line;
    if (exp.endColumn !== undefined) got.endColumn = a.f.range.end.column;
    if (exp.severity !== undefined) got.severity = a.f.severity;
    if (exp.message !== undefined) got.message = a.f.message;
    deepStrictEqual(got, { ...exp }, `finding ${i + 1}`);
  });
  const fixed = fixText(c.code, { ...options(rule, c), mode });
  const expected = c.output ?? c.code;
  strictEqual(fixed.output, expected, 'fixed output');
  if (fixed.changed) {
    const before = parse(c.code).problems.filter((p) => p.severity === 'error').length;
    const after = parse(fixed.output).problems.filter((p) => p.severity === 'error');
    if (after.length > before) throw new Error(`fixed output does not re-parse: ${after.map((p) => p.message).join('; ')}`);
    const again = fixText(fixed.output, { ...options(rule, c), mode });
    strictEqual(again.output, fixed.output, 'fixing is not idempotent');
  }
}

/**
 * Checks that a rule set up once per run (`meta.setup: 'run'`) gives each case the findings it gives alone, with the
 * same fixes and suggestions, when the cases are linted one after another with the same visitors; throws an
 * AssertionError on failure. The edits are compared too: a fix that reads state kept from an earlier file (its text,
 * a position) reports the same finding with edits for the wrong text.
 */
export function checkSetupPerRun(rule: Rule, cases: readonly ValidCase[]): void {
  const key = (c: ValidCase, findings: readonly Finding[]): string[] =>
    findings.map((f) => `${title(c.code)} ${f.messageId}@${String(f.range.start.offset)} fix=${JSON.stringify(f.fix ?? null)} suggestion=${JSON.stringify(f.suggestion ?? null)}`);
  const alone = cases.map((c) => key(c, lintText(c.code, { ...options(rule, c), fixes: 'all' }).findings));
  // one rules array for every case: the engine keeps its set-up (and the rule's visitors) for the run
  const shared = [declaredOnly(rule)];
  const twice = [...cases, ...cases];
  const together = twice.map((c) => key(c, lintText(c.code, { ...options(rule, c), rules: shared, fixes: 'all' }).findings));
  deepStrictEqual(together, [...alone, ...alone], 'findings differ when the cases share one set-up of the rule');
}

/** Registers a rule's truth table with the test runner. */
export function runRuleTests(rule: Rule, cases: RuleTestCases, t: TestFunctions): void {
  t.describe(rule.meta.id, () => {
    if (rule.meta.setup === 'run') {
      t.it('set up once per run: every case gets the findings it gets alone', () => {
        checkSetupPerRun(rule, [...cases.valid.map((v) => (typeof v === 'string' ? { code: v } : v)), ...cases.invalid]);
      });
    }
    t.describe('valid', () => {
      for (const v of cases.valid) {
        const c = typeof v === 'string' ? { code: v } : v;
        t.it(c.name ?? title(c.code), () => {
          checkValid(rule, c);
        });
      }
    });
    t.describe('invalid', () => {
      for (const c of cases.invalid) {
        t.it(c.name ?? title(c.code), () => {
          checkInvalid(rule, c);
        });
      }
    });
  });
}

/** A RuleTester bound to a test runner: `new RuleTester({ describe, it }).run(rule, { valid, invalid })`. */
export class RuleTester {
  constructor(private readonly t: TestFunctions) {}

  run(rule: Rule, cases: RuleTestCases): void {
    runRuleTests(rule, cases, this.t);
  }
}
