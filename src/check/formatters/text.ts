/** The terminal report: a before/after table, then what changed, what was found and what to do next. */
import { change, comparisonRows, formatBytes, removableRows, type Row } from '../compare.js';
import { type CheckReport, noVulnerabilityDbNote } from '../model.js';

export interface TextColors {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

const plain: TextColors = { bold: (s) => s, dim: (s) => s, green: (s) => s, red: (s) => s, yellow: (s) => s };

function cellWithChange(row: Row, index: number, beforeIndex: number): string {
  const cell = row.cells[index] ?? '—';
  if (index === beforeIndex || row.better === 'none') return cell;
  const delta = change(row.values[beforeIndex], row.values[index]);
  return delta === '' ? cell : `${cell} (${delta})`;
}

function table(header: string[], body: string[][], c: TextColors): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((x, i) => x.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [c.bold(line(header)), ...body.map(line)];
}

export function formatText(report: CheckReport, c: TextColors = plain): string {
  const out: string[] = [];
  const app = report.app ? ` — ${report.app.ecosystem} app ${report.app.name}` : '';
  out.push(c.bold(`shipshape check ${report.project}${app}`));
  out.push(report.engine.available ? `engine: ${report.engine.cli} (server ${report.engine.version ?? '?'})` : `engine: none (${report.engine.reason ?? 'not used'}) — daemonless path only`);
  out.push('');

  const states = report.states;
  const beforeIndex = states.findIndex((s) => s.id === 'before');
  const rows = comparisonRows(report);
  const header = ['', ...states.map((s) => s.title)];
  const sub = ['', ...states.map((s) => s.how)];
  const body = [sub, ...rows.map((r) => [r.label, ...states.map((_, i) => cellWithChange(r, i, beforeIndex))])];
  out.push(...table(header, body, c));

  const removable = removableRows(report);
  if (removable.length > 0) {
    out.push('', c.bold('removable content (never needed at runtime)'));
    out.push(...table(['', ...states.map((s) => s.title)], removable.map((r) => [`  ${r.label}`, ...r.cells]), c).slice(1));
  }

  // states with the same note (no engine: before and after) share one line
  const byNote = new Map<string, string[]>();
  for (const s of states) if (s.note !== undefined) byNote.set(s.note, [...(byNote.get(s.note) ?? []), s.title]);
  for (const [note, titles] of byNote) out.push(`${c.yellow(`${titles.join(', ')}:`)} ${note}`);

  out.push('', c.bold('Dockerfile'));
  const lintCounts = new Map<string, number>();
  for (const f of report.lint.findings) lintCounts.set(f.severity, (lintCounts.get(f.severity) ?? 0) + 1);
  if (report.lint.findings.length === 0 && report.lint.fixed.length === 0) out.push('  no Dockerfile in the project: `shipshape init` generated one');
  else {
    out.push(`  ${report.lint.findings.length} lint finding(s) (${[...lintCounts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}); fixed by lint --fix=all: ${report.lint.fixed.length === 0 ? 'nothing' : [...new Set(report.lint.fixed)].join(', ')}`);
    for (const f of report.lint.findings.slice(0, 12)) out.push(c.dim(`  ${String(f.line).padStart(3)}  ${f.severity.padEnd(7)} ${f.rule}: ${f.message}`));
    if (report.lint.findings.length > 12) out.push(c.dim(`  … ${report.lint.findings.length - 12} more (shipshape lint)`));
  }
  const ctx = report.context;
  out.push(`  build context: ${formatBytes(ctx.before.bytes)} in ${ctx.before.files} files before, ${formatBytes(ctx.after.bytes)} in ${ctx.after.files} files after`);
  if (ctx.secretFiles.length > 0) out.push(c.red(`  secret-looking files sent to the engine before: ${ctx.secretFiles.join(', ')}`));

  for (const s of states) {
    // rules that name what they found first; entropy guesses are the noisiest
    const secrets = [...(s.image?.secrets ?? [])].sort((a, b) => Number(a.rule === 'high-entropy-assignment') - Number(b.rule === 'high-entropy-assignment'));
    for (const secret of secrets.slice(0, 5)) out.push(c.red(`  secret in ${s.title}: ${secret.rule} at ${secret.where}: ${secret.redacted}`));
    if (secrets.length > 5) out.push(c.red(`  … ${secrets.length - 5} more in ${s.title} (shipshape secrets IMAGE)`));
  }
  if (report.vulnerabilityDb.records === 0) out.push(`  vulnerabilities: ${noVulnerabilityDbNote}`);

  out.push('', c.bold('changes'));
  for (const f of report.changes) {
    const verb = report.written.includes(f.path) ? (f.action === 'created' ? 'created' : 'wrote') : f.action === 'unchanged' ? 'unchanged' : f.action === 'created' ? 'would create' : 'would change';
    out.push(`  ${verb} ${f.path}`);
  }
  if (report.written.length === 0 && report.changes.some((f) => f.action !== 'unchanged')) out.push(c.dim('  nothing was written: run with --write to apply (Dockerfile and .dockerignore only)'));
  for (const f of report.changes) if (f.diff !== undefined && report.written.includes(f.path)) out.push('', f.diff.trimEnd());

  if (report.gate) {
    out.push('', c.bold(`thresholds on "${report.gate.state}": ${report.gate.passed ? c.green('passed') : c.red('FAILED')}`));
    for (const check of report.gate.checks) out.push(`  ${check.passed ? c.green('ok  ') : c.red('FAIL')} ${check.id}: ${check.message}`);
  }
  if (report.notes.length > 0) out.push('', ...report.notes.map((n) => c.dim(`note: ${n}`)));
  return `${out.join('\n')}\n`;
}
