import type { FormatInput } from './types.js';

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
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
    out.push('  </file>');
  }
  out.push('</checkstyle>');
  return out.join('\n');
}
