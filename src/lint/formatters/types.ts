import type { RuleFailure } from '../engine.js';
import type { AppliedFix } from '../fix.js';
import type { Finding, Rule } from '../types.js';

/** What was linted in one file, as the formatters see it. */
export interface FileReport {
  file: string;
  findings: Finding[];
  /** Fixes applied (or, for a dry run, that would be). */
  applied: AppliedFix[];
  /** Unified diff of a dry run. */
  diff?: string;
  ruleFailures: RuleFailure[];
}

export interface FormatInput {
  files: FileReport[];
  /** The rules that ran, for formats that describe them (SARIF). */
  rules: readonly Rule[];
  toolVersion: string;
}

/** Turns reports into text in one format. */
export type Formatter = (input: FormatInput) => string;
