import type { FormatInput } from './types.js';

function xml(text: string): string {
  // line breaks as references, or a parser normalises them to spaces in an attribute (XML 1.0 §3.3.3); other
  // control characters (a rule failure can quote a file's bytes) are not allowed in XML 1.0 at all (§2.2)
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    // eslint-disable-next-line no-control-regex -- the point is to find them
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}

/** Checkstyle XML, as Jenkins and reviewdog read it. */
export function formatCheckstyle(input: FormatInput): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">'];
  for (const f of input.files) {
    out.push(`  <file name="${xml(f.file)}">`);
    for (const x of f.findings) {
      const sev = x.severity === 'style' ? 'info' : x.severity;
      out.push(`    <error line="${x.range.start.line}" column="${x.range.start.column}" severity="${sev}" message="${xml(x.message)}" source="shipshape.${xml(x.ruleId)}"/>`);
    }
    // a failure is not on a line: line 1, as checkstyle's own file-level checks report; consumers take the source's
    // last dotted part as the check's name, so it stays the rule id
    for (const r of f.ruleFailures) {
      const message = `Rule ${r.ruleId} failed on this file, which was checked only in part: ${r.message}`;
      out.push(`    <error line="1" severity="error" message="${xml(message)}" source="shipshape.rule-failure.${xml(r.ruleId)}"/>`);
    }
    out.push('  </file>');
  }
  out.push('</checkstyle>');
  return out.join('\n');
}
