import type { FormatInput } from './types.js';

/** Human-readable: findings grouped by file, one per line, then a summary. */
export function formatText(input: FormatInput): string {
  const out: string[] = [];
  const counts = { error: 0, warning: 0, info: 0, style: 0 };
  for (const f of input.files) {
    if (f.diff) out.push(f.diff.trimEnd());
    for (const a of f.applied) out.push(`${f.file}: fixed (${a.kind}) ${a.ruleId}: ${a.message}`);
    if (f.findings.length === 0) continue;
    out.push(f.file);
    const width = Math.max(...f.findings.map((x) => `${x.range.start.line}:${x.range.start.column}`.length));
    for (const x of f.findings) {
      counts[x.severity]++;
      const pos = `${x.range.start.line}:${x.range.start.column}`.padEnd(width);
      const fix = x.fixable === 'fix' ? ' [fixable]' : x.fixable === 'suggestion' ? ' [suggestion]' : '';
      out.push(`  ${pos}  ${x.severity.padEnd(7)}  ${x.message}  ${x.ruleId}${fix}`);
    }
    out.push('');
  }
  const total = counts.error + counts.warning + counts.info + counts.style;
  // a rule that threw checked nothing: "no problems" would claim more than the run did (the reasons go to stderr)
  const failures = input.files.reduce((n, f) => n + f.ruleFailures.length, 0);
  const partly = failures === 0 ? '' : `; ${failures} rule run(s) failed, so ${failures === 1 ? 'a file was' : 'files were'} checked only in part`;
  out.push(
    total === 0
      ? `${input.files.length} file(s) checked, no problems${partly === '' ? '' : ' found'}${partly}`
      : `${total} problem(s) in ${input.files.length} file(s): ${counts.error} error, ${counts.warning} warning, ${counts.info} info, ${counts.style} style${partly}`,
  );
  return out.join('\n');
}
