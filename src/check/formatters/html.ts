/**
 * The check report as one self-contained HTML page (inline CSS and SVG, no script, no request): headline
 * changes, one small bar chart per figure with the states side by side, the comparison table, removable content,
 * the Dockerfiles side by side, lint findings, secrets and the threshold gate.
 */
import { change, comparisonRows, formatBytes, removableRows, type Row } from '../compare.js';
import { type CheckReport, noVulnerabilityDbNote } from '../model.js';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const stateColors: Record<string, string> = { before: '#c0504d', after: '#4f81bd', daemonless: '#2e8b57' };
const charted = new Set(['compressed', 'uncompressed', 'wasted', 'removable', 'packages', 'cold', 'warm']);

/** One horizontal bar per state, widths proportional to the values (the largest fills the chart). */
function chart(row: Row, report: CheckReport): string {
  const width = 260;
  const barHeight = 18;
  const gap = 6;
  const labelWidth = 80;
  const max = Math.max(0, ...row.values.map((v) => v ?? 0));
  const bars = report.states
    .map((s, i) => {
      const v = row.values[i];
      const y = i * (barHeight + gap);
      const w = v === undefined || max === 0 ? 0 : Math.max(1, ((width - labelWidth - 70) * v) / max);
      return `<g class="bar" data-state="${s.id}" data-value="${v ?? ''}"><text x="0" y="${y + 13}" class="lbl">${esc(s.title)}</text><rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${stateColors[s.id] ?? '#888'}"/><text x="${(labelWidth + w + 4).toFixed(1)}" y="${y + 13}" class="val">${esc(row.cells[i] ?? '—')}</text></g>`;
    })
    .join('');
  const height = report.states.length * (barHeight + gap);
  return `<figure class="chart" data-metric="${row.id}"><figcaption>${esc(row.label)}</figcaption><svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(row.label)}">${bars}</svg></figure>`;
}

function headline(report: CheckReport, rows: Row[]): string {
  const beforeIndex = report.states.findIndex((s) => s.id === 'before');
  const afterIndex = report.states.findIndex((s) => s.id === 'after' && s.image !== undefined);
  const otherIndex = afterIndex >= 0 ? afterIndex : report.states.findIndex((s) => s.id === 'daemonless' && s.image !== undefined);
  const items: string[] = [];
  for (const id of ['compressed', 'uncompressed', 'warm', 'packages']) {
    const row = rows.find((r) => r.id === id);
    if (!row || otherIndex < 0) continue;
    const delta = change(row.values[beforeIndex], row.values[otherIndex]);
    items.push(`<div class="fig" id="fig-${id}"><span>${esc(row.label)}</span><b>${esc(row.cells[otherIndex] ?? '—')}</b><small>${esc(delta === '' ? '' : `${delta} vs before`)}</small></div>`);
  }
  return items.length === 0 ? '' : `<section class="figs">${items.join('')}</section>`;
}

const css = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.sub{color:#666}.note{color:#8a5a00}.bad{color:#b00020}.ok{color:#1b7a33}
.figs{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}.fig{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:170px}
.fig span{display:block;color:#666;font-size:12px}.fig b{font-size:20px;display:block}.fig small{color:#1b7a33}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{margin:0;border:1px solid #eee;border-radius:6px;padding:8px}
.chart figcaption{font-weight:600;margin-bottom:6px}.lbl{font-size:12px;fill:#444}.val{font-size:12px;fill:#222}
table{border-collapse:collapse;margin:8px 0}th,td{border-bottom:1px solid #eee;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f6f6f6}.side{display:flex;gap:16px;flex-wrap:wrap}.side>div{flex:1;min-width:320px}
pre{background:#f6f8fa;padding:10px;border-radius:6px;overflow:auto;font-size:12px}
`;

export function formatHtml(report: CheckReport): string {
  const rows = comparisonRows(report);
  const states = report.states;
  const beforeIndex = states.findIndex((s) => s.id === 'before');
  const title = `shipshape check — ${report.app?.name ?? report.project}`;
  const parts: string[] = [];
  parts.push(`<h1>${esc(title)}</h1>`);
  parts.push(`<p class="sub">${esc(report.project)}${report.app ? ` · ${esc(report.app.ecosystem)} app` : ''} · engine: ${report.engine.available ? esc(`${report.engine.cli} (server ${report.engine.version ?? '?'})`) : esc(`none — ${report.engine.reason ?? ''}`)}</p>`);
  parts.push(headline(report, rows));
  parts.push(`<h2>Before and after</h2><section class="charts" id="charts">${rows.filter((r) => charted.has(r.id) && r.values.some((v) => v !== undefined)).map((r) => chart(r, report)).join('')}</section>`);

  const head = `<tr><th></th>${states.map((s) => `<th data-state="${s.id}">${esc(s.title)}<br><small>${esc(s.how)}</small></th>`).join('')}</tr>`;
  const body = rows
    .map((r) => {
      const cells = states.map((_, i) => {
        const delta = i === beforeIndex || r.better === 'none' ? '' : change(r.values[beforeIndex], r.values[i]);
        return `<td data-value="${r.values[i] ?? ''}">${esc(r.cells[i] ?? '—')}${delta === '' ? '' : ` <small>(${esc(delta)})</small>`}</td>`;
      });
      return `<tr data-row="${r.id}"><th>${esc(r.label)}</th>${cells.join('')}</tr>`;
    })
    .join('');
  parts.push(`<table id="comparison">${head}${body}</table>`);
  const stateNotes = states.filter((s) => s.note !== undefined).map((s) => `<li class="note" data-state="${s.id}">${esc(s.title)}: ${esc(s.note ?? '')}</li>`);
  if (stateNotes.length > 0) parts.push(`<ul id="state-notes">${stateNotes.join('')}</ul>`);
  if (report.vulnerabilityDb.records === 0) parts.push(`<p class="note" id="vuln-db">${esc(noVulnerabilityDbNote)}</p>`);

  const removable = removableRows(report);
  if (removable.length > 0) {
    parts.push(`<h2>Removable content (never needed at runtime)</h2><table id="removable">${head}${removable.map((r) => `<tr class="category" data-category="${esc(r.id)}"><th>${esc(r.label)}</th>${r.cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`);
  }

  const secrets = states.flatMap((s) => (s.image?.secrets ?? []).map((x) => `<li class="bad">${esc(s.title)}: ${esc(x.rule)} at ${esc(x.where)}: <code>${esc(x.redacted)}</code></li>`));
  parts.push(`<h2>Secrets</h2>${secrets.length === 0 ? '<p>none found in the built images</p>' : `<ul id="secrets">${secrets.join('')}</ul>`}`);
  if (report.context.secretFiles.length > 0) parts.push(`<p class="bad">secret-looking files sent to the engine before: ${esc(report.context.secretFiles.join(', '))}</p>`);
  parts.push(`<p>build context: ${esc(formatBytes(report.context.before.bytes))} in ${report.context.before.files} files before, ${esc(formatBytes(report.context.after.bytes))} in ${report.context.after.files} files after</p>`);

  parts.push(`<h2>Dockerfiles</h2><div class="side" id="dockerfiles">${states
    .filter((s) => s.dockerfile !== undefined)
    .map((s) => `<div data-state="${s.id}"><h3>${esc(s.title)} <small>${esc(s.how)}</small></h3><pre>${esc(s.dockerfile ?? '')}</pre></div>`)
    .join('')}</div>`);
  if (report.lint.findings.length > 0) {
    parts.push(`<h2>Lint findings (before)</h2><table id="lint"><tr><th>line</th><th>severity</th><th>rule</th><th>message</th></tr>${report.lint.findings.map((f) => `<tr><td>${f.line}</td><td>${esc(f.severity)}</td><td>${esc(f.rule)}</td><td>${esc(f.message)}</td></tr>`).join('')}</table>`);
  }
  if (report.gate) {
    parts.push(`<section id="gate"><h2>Thresholds on "${esc(report.gate.state)}": ${report.gate.passed ? 'passed' : 'FAILED'}</h2><ul>${report.gate.checks.map((c) => `<li class="${c.passed ? 'ok' : 'bad'}">${esc(c.id)}: ${esc(c.message)}</li>`).join('')}</ul></section>`);
  }
  if (report.notes.length > 0) parts.push(`<h2>Notes</h2><ul>${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${css}</style></head><body>${parts.join('\n')}</body></html>\n`;
}
