/**
 * A self-contained HTML report (no network, no script): headline figures, a layer bar chart, a treemap of the
 * filesystem by size, removable content by category, waste, security facts and findings. Charts are inline SVG.
 */
import type { AnalysisReport } from '../engine.js';
import type { GateResult } from '../gate.js';
import { truncate } from '../../internal/display-text.js';
import { bytes, percent } from './units.js';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Squarified treemap (Bruls, Huijsen, van Wijk 2000): lays `values` (sorted, biggest first) into `box`. */
export function squarify(values: number[], box: Rect): Rect[] {
  const total = values.reduce((s, v) => s + v, 0);
  if (total <= 0 || box.w <= 0 || box.h <= 0) return values.map(() => ({ x: box.x, y: box.y, w: 0, h: 0 }));
  const scale = (box.w * box.h) / total;
  const areas = values.map((v) => v * scale);
  const out: Rect[] = [];
  let free = { ...box };
  let i = 0;
  while (i < areas.length) {
    const side = Math.min(free.w, free.h);
    const row: number[] = [];
    let worst = Infinity;
    while (i < areas.length) {
      const next = [...row, areas[i] ?? 0];
      const sum = next.reduce((s, a) => s + a, 0);
      const max = Math.max(...next);
      const min = Math.min(...next);
      const ratio = Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
      if (row.length > 0 && ratio > worst) break;
      row.push(areas[i] ?? 0);
      worst = ratio;
      i += 1;
    }
    const sum = row.reduce((s, a) => s + a, 0);
    const thickness = side === 0 ? 0 : sum / side;
    let offset = 0;
    for (const a of row) {
      const length = thickness === 0 ? 0 : a / thickness;
      out.push(free.w >= free.h ? { x: free.x, y: free.y + offset, w: thickness, h: length } : { x: free.x + offset, y: free.y, w: length, h: thickness });
      offset += length;
    }
    free = free.w >= free.h ? { x: free.x + thickness, y: free.y, w: free.w - thickness, h: free.h } : { x: free.x, y: free.y + thickness, w: free.w, h: free.h - thickness };
  }
  return out;
}

const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

function treemap(report: AnalysisReport): string {
  const width = 960;
  const height = 420;
  const top = report.sizes.directories.filter((d) => d.path.split('/').length === 2 && d.bytes > 0).slice(0, 24);
  const rects = squarify(top.map((d) => d.bytes), { x: 0, y: 0, w: width, h: height });
  const parts: string[] = [];
  top.forEach((dir, i) => {
    const r = rects[i];
    if (!r) return;
    const color = palette[i % palette.length] ?? '#888';
    parts.push(`<g class="tm-dir" data-path="${esc(dir.path)}" data-bytes="${dir.bytes}"><title>${esc(dir.path)} — ${bytes(dir.bytes)}, ${dir.files} files</title>`);
    parts.push(`<rect x="${r.x.toFixed(1)}" y="${r.y.toFixed(1)}" width="${r.w.toFixed(1)}" height="${r.h.toFixed(1)}" fill="${color}" stroke="#fff" stroke-width="2"/>`);
    const children = report.sizes.directories.filter((d) => d.path.startsWith(`${dir.path}/`) && d.bytes > 0).slice(0, 30);
    const inner = { x: r.x + 3, y: r.y + 18, w: Math.max(0, r.w - 6), h: Math.max(0, r.h - 21) };
    const childRects = squarify(children.map((c) => c.bytes), inner);
    children.forEach((c, j) => {
      const cr = childRects[j];
      if (!cr || cr.w < 2 || cr.h < 2) return;
      parts.push(`<rect x="${cr.x.toFixed(1)}" y="${cr.y.toFixed(1)}" width="${cr.w.toFixed(1)}" height="${cr.h.toFixed(1)}" fill="#ffffff33" stroke="#ffffff88"><title>${esc(c.path)} — ${bytes(c.bytes)}</title></rect>`);
      if (cr.w > 70 && cr.h > 14) parts.push(`<text x="${(cr.x + 3).toFixed(1)}" y="${(cr.y + 12).toFixed(1)}" class="tm-child">${esc(truncate(c.path.slice(dir.path.length + 1), Math.floor(cr.w / 7)))}</text>`);
    });
    if (r.w > 40 && r.h > 14) parts.push(`<text x="${(r.x + 4).toFixed(1)}" y="${(r.y + 13).toFixed(1)}" class="tm-label">${esc(truncate(`${dir.path} ${bytes(dir.bytes)}`, Math.floor(r.w / 7)))}</text>`);
    parts.push('</g>');
  });
  return `<svg id="treemap" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="filesystem treemap">${parts.join('')}</svg>`;
}

function layerChart(report: AnalysisReport): string {
  const layers = report.sizes.layers;
  const max = Math.max(1, ...layers.map((l) => Math.max(l.contentSize, l.compressedSize)));
  const rowH = 26;
  const labelW = 420;
  const barW = 500;
  const rows = layers.map((l, i) => {
    const y = i * rowH;
    const content = (l.contentSize / max) * barW;
    const compressed = (l.compressedSize / max) * barW;
    const label = truncate((l.createdBy ?? '(no history)').replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/^\/bin\/sh -c /, 'RUN '), 60);
    return (
      `<g class="layer-bar" data-index="${l.index}" data-content-bytes="${l.contentSize}" data-compressed-bytes="${l.compressedSize}"><title>${esc(l.createdBy ?? '')}</title>` +
      `<text x="0" y="${y + 16}" class="lb">${esc(`${l.index}. ${label}`)}</text>` +
      `<rect x="${labelW}" y="${y + 4}" width="${content.toFixed(1)}" height="9" fill="#4e79a7"/>` +
      `<rect x="${labelW}" y="${y + 14}" width="${compressed.toFixed(1)}" height="7" fill="#f28e2b"/>` +
      `<text x="${(labelW + Math.max(content, compressed) + 6).toFixed(1)}" y="${y + 16}" class="lv">${esc(`${bytes(l.contentSize)} / ${bytes(l.compressedSize)}`)}</text></g>`
    );
  });
  return `<svg id="layers-chart" viewBox="0 0 1060 ${Math.max(rowH, layers.length * rowH)}" width="100%" role="img" aria-label="layer sizes">${rows.join('')}</svg>
<p class="legend"><span style="background:#4e79a7"></span> content (uncompressed) <span style="background:#f28e2b"></span> compressed</p>`;
}

export function formatHtml(report: AnalysisReport, gate?: GateResult): string {
  const r = report;
  const name = r.image.reference ?? r.image.digest;
  const maxCat = Math.max(1, ...r.removable.categories.map((c) => c.bytes));
  const categories = r.removable.categories
    .map(
      (c) => `<tr class="category" data-category="${esc(c.id)}" data-bytes="${c.bytes}"><td>${esc(c.title)}</td><td class="num">${bytes(c.bytes)}</td><td class="num">${c.files}</td>
<td><div class="bar" style="width:${((c.bytes / maxCat) * 100).toFixed(1)}%"></div></td><td><code>${esc(c.top[0]?.path ?? '')}</code></td></tr>
<tr class="fix"><td colspan="5">Fix: ${esc(c.fix)}</td></tr>`,
    )
    .join('\n');
  const sec = r.security;
  const facts: [string, string][] = [
    ['User', sec.user.root === true ? `root${sec.user.configured === '' ? ' (no USER)' : ` (USER ${sec.user.configured})`}` : sec.user.root === false ? `${sec.user.configured} (uid ${String(sec.user.uid)})` : `${sec.user.configured} (unresolved)`],
    ['setuid / setgid files', `${sec.setuid.length} / ${sec.setgid.length}`],
    ['World-writable', String(sec.worldWritable.length)],
    ['Shell', sec.shells.join(' ') || 'none'],
    ['Package manager', sec.packageManagers.join(' ') || 'none'],
    ['Secret-looking config', sec.secrets.length === 0 ? 'none found' : `${sec.secrets.map((s) => s.where).join(', ')} (values redacted)`],
    ['Exposed ports', sec.exposedPorts.join(' ') || 'none'],
    ['Healthcheck', sec.healthcheck.configured ? (sec.healthcheck.disabled ? 'disabled' : 'yes') : 'none'],
    ['Base', `${r.base.os?.prettyName ?? r.base.os?.id ?? 'unknown OS'}${r.base.name ? ` from ${r.base.name}` : ''}; pinned by digest: ${r.base.pinned === undefined ? 'unknown' : r.base.pinned ? 'yes' : 'no'}`],
  ];
  const findings = r.findings
    .map((f) => `<li class="finding ${f.severity}" data-id="${esc(f.id)}"><strong>${esc(f.id)}</strong> ${f.bytes ? `<span class="num">${bytes(f.bytes)}</span> ` : ''}${esc(f.message)}${f.fix ? `<br><small>Fix: ${esc(f.fix)}</small>` : ''}</li>`)
    .join('\n');
  const gateHtml = gate?.enabled
    ? `<section id="gate" class="${gate.passed ? 'passed' : 'failed'}"><h2>CI gate: ${gate.passed ? 'passed' : 'FAILED'}</h2><ul>${gate.checks.map((c) => `<li class="${c.passed ? 'ok' : 'ko'}">${esc(c.id)}: ${esc(c.passed ? `${c.actual} (limit ${c.limit})` : c.message)}</li>`).join('')}</ul></section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>shipshape analyze — ${esc(name)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.meta{color:#666;font-size:12px}.figures{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.figure{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:150px}.figure b{display:block;font-size:20px}
table{border-collapse:collapse;width:100%}td,th{padding:3px 6px;text-align:left;vertical-align:top}.num{text-align:right;white-space:nowrap}
.bar{background:#e15759;height:10px;border-radius:2px}tr.fix td{color:#555;font-size:12px;padding-bottom:8px}
.lb,.lv{font-size:12px;fill:#222}.tm-label{font-size:12px;fill:#fff;font-weight:600}.tm-child{font-size:10px;fill:#fff}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
.finding{margin:4px 0}.finding.error strong{color:#c00}.finding.warning strong{color:#b60}
#gate.failed h2{color:#c00}#gate.passed h2{color:#080}.ko{color:#c00}.ok{color:#080}code{font-size:12px}
</style></head><body>
<h1>${esc(name)}</h1>
<div class="meta">${esc(`${r.image.os}/${r.image.architecture} · ${r.image.digest}`)}</div>
<div class="figures">
<div class="figure" id="fig-size" data-bytes="${r.sizes.visibleSize}">On disk<b>${bytes(r.sizes.visibleSize)}</b></div>
<div class="figure" id="fig-compressed" data-bytes="${r.sizes.compressedSize}">${r.sizes.compressedMeasure === 'uncompressed' ? 'Stored (plain tar)' : r.sizes.compressedMeasure === 'pushed' ? 'Compressed (as pushed)' : 'Compressed'}<b>${bytes(r.sizes.compressedSize)}</b></div>
<div class="figure" id="fig-efficiency" data-ratio="${r.waste.corrected.efficiency}">Efficiency<b>${percent(r.waste.corrected.efficiency)}</b><small>dive: ${percent(r.waste.dive.efficiency)}</small></div>
<div class="figure" id="fig-wasted" data-bytes="${r.waste.corrected.wastedBytes}">Wasted<b>${bytes(r.waste.corrected.wastedBytes)}</b><small>dive: ${bytes(r.waste.dive.wastedBytes)}</small></div>
<div class="figure" id="fig-removable" data-bytes="${r.removable.bytes}">Removable<b>${bytes(r.removable.bytes)}</b></div>
<div class="figure" id="fig-estimate" data-low="${r.estimate.low}" data-high="${r.estimate.high}">Estimated after cleanup<b>${bytes(r.estimate.low)} – ${bytes(r.estimate.high)}</b>${r.estimate.runtime ? `<small>low: ${esc(r.estimate.runtime.id)} on ${esc(r.estimate.runtime.base)}</small>` : r.estimate.lowNote === undefined ? '' : `<small>${esc(r.estimate.lowNote)}</small>`}</div>
</div>
${gateHtml}
<section id="layers"><h2>Layers (${r.sizes.layers.length}, plus ${r.sizes.emptyLayers.length} empty)</h2>${layerChart(r)}</section>
<section id="filesystem"><h2>Filesystem by size</h2>${treemap(r)}</section>
<section id="categories"><h2>Never needed at runtime</h2><table><tr><th>category</th><th class="num">bytes</th><th class="num">files</th><th></th><th>largest</th></tr>
${categories || '<tr><td colspan="5">nothing found</td></tr>'}</table></section>
<section id="waste"><h2>Waste</h2><table>
<tr><td>overwritten</td><td class="num">${bytes(r.waste.byCause.overwritten.bytes)}</td></tr>
<tr><td>deleted by a later layer</td><td class="num">${bytes(r.waste.byCause.whiteout.bytes)}</td></tr>
<tr><td>hidden by an opaque directory</td><td class="num">${bytes(r.waste.byCause.opaque.bytes)}</td></tr>
<tr><td>replaced (directory ↔ file)</td><td class="num">${bytes(r.waste.byCause.replaced.bytes)}</td></tr>
<tr><td>duplicate files (extra copies)</td><td class="num">${bytes(r.waste.duplicates.wastedBytes)}</td></tr></table></section>
<section id="security"><h2>Security</h2><table>${facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table></section>
<section id="estimate"><h2>Estimate</h2><ul>${r.estimate.reasoning.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></section>
<section id="findings"><h2>Findings</h2><ul>${findings}</ul></section>
</body></html>
`;
}
