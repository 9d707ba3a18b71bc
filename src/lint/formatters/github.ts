import { terminalText } from '../../internal/display-text.js';
import type { FormatInput } from './types.js';

// Workflow-command escaping (actions/toolkit `command.ts`): data escapes %, CR, LF; properties also : and ,. The
// runner prints the line in the job log: other control characters (a file's bytes quoted in a message) show as `?`
function data(text: string): string {
  return terminalText(text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'), false);
}
function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions annotations: `::warning file=…,line=…::message`. */
export function formatGithub(input: FormatInput): string {
  const out: string[] = [];
  for (const f of input.files) {
    for (const x of f.findings) {
      const kind = x.severity === 'error' ? 'error' : x.severity === 'warning' ? 'warning' : 'notice';
      const props = [
        `file=${property(f.file)}`,
        `line=${x.range.start.line}`,
        `col=${x.range.start.column}`,
        `endLine=${x.range.end.line}`,
        `endColumn=${x.range.end.column}`,
        `title=${property(x.ruleId)}`,
      ];
      out.push(`::${kind} ${props.join(',')}::${data(x.message)}`);
    }
    // no line: an annotation on the file
    for (const r of f.ruleFailures) {
      out.push(`::error file=${property(f.file)},title=${property(`rule ${r.ruleId} failed`)}::${data(`Rule ${r.ruleId} failed on this file, which was checked only in part: ${r.message}`)}`);
    }
  }
  return out.join('\n');
}
