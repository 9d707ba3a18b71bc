/** Scan reports: a table, shipshape's JSON, and SARIF 2.1.0 (one result per vulnerable package, located at its evidence). */
import type { Match, ScanResult } from './match.js';

export type ScanFormat = 'text' | 'json' | 'sarif';

export function toText(result: ScanResult): string {
  if (result.db.records === 0) {
    return 'no vulnerability database imported: run `shipshape db import FILE|DIR` (OSV JSON or an OSV all.zip export)\n';
  }
  const header = ['PACKAGE', 'INSTALLED', 'VULNERABILITY', 'SEVERITY', 'FIXED IN', 'STATE', 'LAYER'];
  const rows = result.matches.map((m) => [
    m.package.name,
    m.package.version,
    m.id,
    m.score === undefined ? m.severity : `${m.severity} (${m.score.toFixed(1)})`,
    m.fixedVersion ?? '',
    m.state,
    m.package.layer === undefined ? '' : String(m.package.layer),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const counts = new Map<string, number>();
  for (const m of result.matches) counts.set(m.severity, (counts.get(m.severity) ?? 0) + 1);
  const summary = ['critical', 'high', 'medium', 'low', 'unknown'].map((s) => `${s}: ${counts.get(s) ?? 0}`).join(', ');
  const out = result.matches.length > 0 ? [line(header), ...rows.map(line), ''] : [];
  out.push(`${result.matches.length} vulnerabilities (${summary})`);
  for (const u of result.unknowns) out.push(`unknown: ${u.package}: ${u.message}`);
  return `${out.join('\n')}\n`;
}

export function toJson(result: ScanResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

const sarifLevel: Record<Match['severity'], 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', unknown: 'warning' };

export function toSarif(result: ScanResult, toolVersion: string, artifact: string): string {
  const ids = [...new Set(result.matches.map((m) => m.id))].sort();
  const rules = ids.map((id) => {
    const m = result.matches.find((x) => x.id === id);
    return {
      id,
      shortDescription: { text: m?.summary ?? id },
      helpUri: m?.references[0] ?? `https://osv.dev/vulnerability/${id}`,
      properties: { 'security-severity': m?.score === undefined ? undefined : m.score.toFixed(1), tags: ['vulnerability', m?.severity ?? 'unknown'] },
    };
  });
  const results = result.matches.map((m) => ({
    ruleId: m.id,
    ruleIndex: ids.indexOf(m.id),
    level: sarifLevel[m.severity],
    message: {
      text: `${m.package.name} ${m.package.version} is affected by ${m.id} (${m.severity}; range ${m.range})${m.fixedVersion ? `; fixed in ${m.fixedVersion}` : `; ${m.state}`}`,
    },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: (m.package.locations[0] ?? artifact).replace(/^\//, '') } },
        logicalLocations: [{ name: m.package.purl, kind: 'package' }],
      },
    ],
    properties: { layer: m.package.layer, purl: m.package.purl, state: m.state },
  }));
  const doc = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'shipshape', version: toolVersion, rules } }, results }],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
