import type { FormatInput } from './types.js';

/** Machine-readable; also the baseline format (`--baseline` matches the `fingerprint`s). */
export function formatJson(input: FormatInput): string {
  return JSON.stringify(
    {
      tool: 'shipshape',
      version: input.toolVersion,
      files: input.files.map((f) => ({
        file: f.file,
        findings: f.findings.map((x) => ({
          ruleId: x.ruleId,
          aliases: x.aliases,
          severity: x.severity,
          category: x.category,
          message: x.message,
          line: x.range.start.line,
          column: x.range.start.column,
          endLine: x.range.end.line,
          endColumn: x.range.end.column,
          docUrl: x.docUrl,
          fixable: x.fixable,
          fingerprint: x.fingerprint,
        })),
        fixed: f.applied,
        ...(f.diff ? { diff: f.diff } : {}),
        ...(f.ruleFailures.length > 0 ? { ruleFailures: f.ruleFailures } : {}),
      })),
    },
    null,
    2,
  );
}
