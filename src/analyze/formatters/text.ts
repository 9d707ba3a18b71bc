/** The terminal summary: headline figures, biggest wins first, layers, security, gate. */
import { oneLine, truncate, wrapWords } from '../../internal/display-text.js';
import type { DiffReport } from '../diff.js';
import type { AnalysisReport } from '../engine.js';
import type { GateResult } from '../gate.js';
import { bytes, percent, plain, signedBytes, type Style } from './units.js';

/** The compressed size as the report measured it: a plain-tar image's stored bytes are not called compressed. */
function compressedText(sizes: { compressedSize: number; compressedMeasure?: 'stored' | 'uncompressed' | 'pushed' }): string {
  if (sizes.compressedMeasure === 'uncompressed') return `${bytes(sizes.compressedSize)} as stored (plain-tar layers, not compressed)`;
  if (sizes.compressedMeasure === 'pushed') return `${bytes(sizes.compressedSize)} compressed as pushed (gzip)`;
  return `${bytes(sizes.compressedSize)} compressed`;
}

function instruction(createdBy: string | undefined): string {
  if (createdBy === undefined) return '(no history)';
  return createdBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/^\/bin\/sh -c /, 'RUN ').replace(/^\|\d+ (?:\S+=\S+ )*\/bin\/sh -c /, 'RUN ');
}

export function formatGate(gate: GateResult, s: Style = plain): string {
  if (!gate.enabled) return '';
  const lines = [s.bold(`Gate: ${gate.passed ? s.green('passed') : s.red('FAILED')}`)];
  for (const c of gate.checks) lines.push(`  ${c.passed ? s.green('✓') : s.red('✗')} ${c.id}: ${c.passed ? `${c.actual} (limit ${c.limit})` : c.message}`);
  return lines.join('\n');
}

/** The estimate's range and what its low end assumes, or why there is no range. */
function estimateText(e: AnalysisReport['estimate']): string {
  if (e.runtime) return `${bytes(e.low)} – ${bytes(e.high)} after cleanup (low: ${e.runtime.id} on ${e.runtime.base})`;
  if (e.lowNote !== undefined && e.low === e.high) return `${bytes(e.high)} after cleanup (${e.lowNote})`;
  return `${bytes(e.low)} – ${bytes(e.high)} after cleanup`;
}

export function formatText(report: AnalysisReport, gate?: GateResult, s: Style = plain, width = 100): string {
  const r = report;
  const out: string[] = [];
  const name = r.image.reference ?? r.image.digest;
  out.push(s.bold(name) + s.dim(`  ${r.image.os}/${r.image.architecture}  ${r.image.digest}`));
  out.push(
    `Size        ${bytes(r.sizes.visibleSize)} on disk, ${compressedText(r.sizes)}, ${r.sizes.layers.length} layers (+${r.sizes.emptyLayers.length} empty), ${r.sizes.files} entries`,
  );
  out.push(
    `Efficiency  ${percent(r.waste.corrected.efficiency)}, wasted ${bytes(r.waste.corrected.wastedBytes)}` +
      s.dim(`   (dive: ${percent(r.waste.dive.efficiency)}, wasted ${bytes(r.waste.dive.wastedBytes)})`),
  );
  out.push(`Removable   ${bytes(r.removable.bytes)} in ${r.removable.files} files never needed at runtime`);
  out.push(`Estimate    ${estimateText(r.estimate)}`);

  const wins = r.findings.filter((f) => (f.bytes ?? 0) > 0);
  if (wins.length > 0) {
    out.push('', s.bold('Biggest wins'));
    for (const [i, f] of wins.slice(0, 10).entries()) {
      out.push(`${String(i + 1).padStart(3)}. ${s.yellow(bytes(f.bytes ?? 0).padStart(9))}  ${truncate(f.message, width - 16)}`);
      for (const e of f.evidence.slice(0, 3)) {
        if (e.path === undefined) continue;
        out.push(s.dim(`              ${truncate(e.path, width - 40)}${e.bytes === undefined ? '' : `  ${bytes(e.bytes)}`}${e.layer === undefined ? '' : `  layer ${e.layer}`}`));
      }
      // a fix is advice to follow: wrapped, never cut
      if (f.fix) for (const [k, line] of wrapWords(f.fix, width - 19).entries()) out.push(`${k === 0 ? '              fix: ' : ' '.repeat(19)}${line}`);
    }
  }

  out.push('', s.bold('Layers') + s.dim('  (stored / content / instruction)'));
  for (const l of r.sizes.layers) {
    out.push(`  ${String(l.index).padStart(2)}  ${bytes(l.compressedSize).padStart(9)}  ${bytes(l.contentSize).padStart(9)}  ${truncate(instruction(l.createdBy), width - 28)}`);
  }

  const sec = r.security;
  out.push('', s.bold('Security'));
  const user = sec.user.root === true ? s.red(`root${sec.user.configured === '' ? ' (no USER)' : ` (USER ${sec.user.configured})`}`) : sec.user.root === false ? s.green(`${sec.user.configured} (uid ${String(sec.user.uid)})`) : s.yellow(`${sec.user.configured} (not in /etc/passwd)`);
  out.push(`  user            ${user}`);
  out.push(`  setuid/setgid   ${sec.setuid.length}/${sec.setgid.length}${sec.setuid.length > 0 ? s.dim(`  ${truncate(sec.setuid.map((p) => p.path).join(' '), width - 30)}`) : ''}`);
  out.push(`  world-writable  ${sec.worldWritable.length}`);
  out.push(`  shell           ${sec.shells.length > 0 ? sec.shells.join(' ') : 'none'}`);
  out.push(`  package manager ${sec.packageManagers.length > 0 ? sec.packageManagers.join(' ') : 'none'}`);
  out.push(`  secrets         ${sec.secrets.length === 0 ? 'none found' : s.red(sec.secrets.map((x) => oneLine(x.where)).join(', ') + ' (values redacted)')}`);
  out.push(`  ports           ${sec.exposedPorts.length > 0 ? sec.exposedPorts.join(' ') : 'none'}`);
  out.push(`  healthcheck     ${sec.healthcheck.configured ? (sec.healthcheck.disabled ? 'disabled' : 'yes') : 'none'}`);
  const base = r.base;
  out.push(`  base            ${base.os?.prettyName ?? base.os?.id ?? 'unknown OS'}${base.name ? ` from ${base.name}` : ''}; pinned by digest: ${base.pinned === undefined ? 'unknown' : base.pinned ? 'yes' : s.yellow('no')}`);
  if (r.unknowns.length > 0) {
    out.push('', s.bold('Not analysed'));
    for (const u of r.unknowns) out.push(`  ${oneLine(u.path)}: ${oneLine(u.message)}`);
  }
  const g = gate ? formatGate(gate, s) : '';
  if (g) out.push('', g);
  return `${out.join('\n')}\n`;
}

/** The text of a diff; `maxFiles` is how many of the largest file changes it lists (15 by default). */
export function formatDiffText(diff: DiffReport, s: Style = plain, width = 100, maxFiles = 15): string {
  const t = diff.totals;
  const out: string[] = [];
  out.push(s.bold(`${diff.before.reference ?? diff.before.digest}  →  ${diff.after.reference ?? diff.after.digest}`));
  const row = (label: string, x: { before: number; after: number; delta: number }, fmt: (n: number) => string = bytes): string =>
    `  ${label.padEnd(16)} ${fmt(x.before).padStart(10)} → ${fmt(x.after).padStart(10)}  ${(x.delta < 0 ? s.green : x.delta > 0 ? s.red : s.dim)(fmt === bytes ? signedBytes(x.delta) : `${x.delta > 0 ? '+' : ''}${x.delta}`)}`;
  out.push(row('on disk', t.visibleSize), row('compressed', t.compressedSize));
  // one image stores plain tars (docker save, the engine), the other gzips: both are counted as a push sends them
  if (t.compressedMeasure === 'pushed') out.push(s.dim(`  ${''.padEnd(16)} as pushed: layers stored uncompressed counted gzipped, as docker push sends them`));
  out.push(row('wasted', t.wastedBytes), row('removable', t.removableBytes));
  out.push(row('files', t.files, String), row('layers', t.layers, String));
  out.push(`  ${'efficiency'.padEnd(16)} ${percent(t.efficiency.before).padStart(10)} → ${percent(t.efficiency.after).padStart(10)}   dive ${percent(t.diveEfficiency.before)} → ${percent(t.diveEfficiency.after)}`);
  out.push('', s.bold('Layers'));
  out.push(`  shared ${diff.layers.shared.length}, only before ${diff.layers.onlyBefore.length}, only after ${diff.layers.onlyAfter.length}`);
  for (const l of diff.layers.onlyBefore) out.push(s.red(`  - ${bytes(l.contentSize).padStart(9)}  ${truncate(instruction(l.createdBy), width - 16)}`));
  for (const l of diff.layers.onlyAfter) out.push(s.green(`  + ${bytes(l.contentSize).padStart(9)}  ${truncate(instruction(l.createdBy), width - 16)}`));
  const f = diff.files;
  out.push('', s.bold('Files'));
  out.push(`  added ${f.added.files} (${bytes(f.added.bytes)}), removed ${f.removed.files} (${bytes(f.removed.bytes)}), changed ${f.changed.files} (${bytes(f.changed.bytesBefore)} → ${bytes(f.changed.bytesAfter)})`);
  const listed = f.top.slice(0, maxFiles);
  for (const c of listed) {
    const mark = c.change === 'added' ? s.green('+') : c.change === 'removed' ? s.red('-') : '~';
    out.push(`  ${mark} ${(c.change === 'changed' ? signedBytes(c.delta) : bytes(Math.abs(c.delta))).padStart(10)}  ${truncate(c.path, width - 16)}`);
  }
  const unlisted = f.added.files + f.removed.files + f.changed.files - listed.length;
  if (unlisted > 0) out.push(s.dim(`  … ${unlisted} smaller change${unlisted === 1 ? '' : 's'} not listed (--files N or --files all lists more)`));
  if (diff.categories.length > 0) {
    out.push('', s.bold('Removable content by category'));
    for (const c of diff.categories) out.push(`  ${c.id.padEnd(24)} ${bytes(c.before).padStart(10)} → ${bytes(c.after).padStart(10)}  ${signedBytes(c.delta)}`);
  }
  const sec = diff.security;
  out.push('', s.bold('Security'));
  const rootText = (v: boolean | undefined): string => (v === undefined ? 'unknown' : v ? 'root' : 'non-root');
  out.push(`  user ${rootText(sec.rootBefore)} → ${rootText(sec.rootAfter)}; shells ${sec.shellsBefore} → ${sec.shellsAfter}; setuid ${sec.setuidBefore} → ${sec.setuidAfter}; secrets ${sec.secretsBefore} → ${sec.secretsAfter}`);
  return `${out.join('\n')}\n`;
}
