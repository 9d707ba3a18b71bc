/** The lint engine's public surface: rules, engine, fixes, formatters. */
export { defineRule } from './define-rule.js';
export { lintText, lintDockerfile, editsOf, type LintOptions, type LintResult, type RuleFailure } from './engine.js';
export { fixText, type FixResult, type AppliedFix } from './fix.js';
export { allRules } from './rules/index.js';
export { formatters, type LintFormat, type FileReport, type FormatInput, type Formatter } from './formatters/index.js';
export { directoryFiles, dockerignoreOf } from './build-context.js';
export { normalizeRuleName, namesOf, RuleNameSet } from './rule-names.js';
export { findHadolintConfig, readHadolintConfig, type HadolintSettings } from './hadolint-config.js';
export * from './types.js';
