/** A table for terminals: NAME VERSION TYPE LAYER, then unknowns and the count of unowned files. */
import type { Sbom } from '../../model.js';
import { oneLine } from '../../../internal/display-text.js';

export function toText(sbom: Sbom): string {
  const rows = sbom.packages.map((p) => [oneLine(p.name), oneLine(p.version), p.type, p.layer === undefined ? '' : String(p.layer)]);
  const header = ['NAME', 'VERSION', 'TYPE', 'LAYER'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const out = [line(header), ...rows.map(line)];
  out.push('', `${sbom.packages.length} packages` + (sbom.source.distro?.prettyName ? ` on ${sbom.source.distro.prettyName}` : '') + `; ${sbom.unownedFiles.length} files owned by no package`);
  if (sbom.unknowns.length > 0) {
    out.push(`${sbom.unknowns.length} unknowns:`);
    for (const u of sbom.unknowns) out.push(`  ${oneLine(u.path)}: ${oneLine(u.message)} (${u.cataloger})`);
  }
  return `${out.join('\n')}\n`;
}
