/**
 * Scan reports: a table, shipshape's JSON, SARIF 2.1.0 (one result per vulnerable package, located at its evidence),
 * OpenVEX (not-affected statements for packages whose code is not in the final image) and CycloneDX 1.6 VEX.
 */
import { oneLine, truncate } from '../internal/display-text.js';
import { createHash } from 'node:crypto';
import type { Match, ScanResult } from './match.js';
import type { SuppressedMatch } from './suppress.js';
import { pathUri } from '../internal/sarif-uri.js';

export type ScanFormat = 'text' | 'json' | 'sarif' | 'openvex' | 'cyclonedx-vex';

/**
 * The file that declares the package. Locations are sorted, so for dpkg the file list (`info/<pkg>.list`) can come
 * before the status database that actually lists the package: prefer the database.
 */
function evidenceOf(m: Match): string | undefined {
  return m.package.locations.find((l) => !/\/var\/lib\/dpkg\/info\//.test(l)) ?? m.package.locations[0];
}

/** The evidence path as a SARIF URI relative to the scanned root, each name percent-encoded. */
function evidenceUri(m: Match): string | undefined {
  const path = evidenceOf(m);
  return path === undefined ? undefined : pathUri(path.replace(/^\//, ''));
}

function stateText(m: Match): string {
  if (!m.codeNotPresent) return m.state;
  const by = m.codeNotPresent.removedBy;
  return `${m.state}; code not in image${by.length > 0 ? ` (deleted by layer ${by.join(', ')})` : ''}`;
}

function notPresentStatement(m: Match): string {
  const by = m.codeNotPresent?.removedBy ?? [];
  return `${m.package.name} ${m.package.version} is still listed by ${evidenceOf(m) ?? 'its package database'}, but none of its files outside documentation are in the final image${by.length > 0 ? ` (layer ${by.join(', ')} deleted them)` : ''}`;
}

/**
 * Widths of the text output's values that come from advisories and package databases: an OSV record or an SBOM
 * can hold a version string of any length, which printed whole would push the table's columns apart.
 */
const versionWidth = 40;
const unknownPackageWidth = 80;
const unknownMessageWidth = 160;

/** A version for a table cell or a line: on one line, cut with an ellipsis past `versionWidth`. */
function versionText(version: string): string {
  return truncate(oneLine(version), versionWidth);
}

export function toText(result: ScanResult): string {
  if (result.db.records === 0) {
    return `no vulnerability database imported: run \`shipshape db update\`${result.ecosystems.length > 0 ? ` (it will fetch ${result.ecosystems.join(', ')})` : ''} or \`shipshape db import FILE|DIR\` (OSV JSON or an OSV all.zip export)\n`;
  }
  const header = ['PACKAGE', 'INSTALLED', 'VULNERABILITY', 'SEVERITY', 'FIXED IN', 'STATE', 'LAYER'];
  const rows = result.matches.map((m) => [
    oneLine(m.package.name),
    versionText(m.package.version),
    oneLine(m.id),
    m.score === undefined ? m.severity : `${m.severity} (${m.score.toFixed(1)})`,
    versionText(m.fixedVersion ?? ''),
    stateText(m),
    m.package.layer === undefined ? '' : String(m.package.layer),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const counts = new Map<string, number>();
  for (const m of result.matches) counts.set(m.severity, (counts.get(m.severity) ?? 0) + 1);
  const summary = ['critical', 'high', 'medium', 'low', 'unknown'].map((s) => `${s}: ${counts.get(s) ?? 0}`).join(', ');
  const out = result.matches.length > 0 ? [line(header), ...rows.map(line), ''] : [];
  out.push(`${result.matches.length} vulnerabilities (${summary})`);
  if (result.suppressed.length > 0) {
    const by = (k: SuppressedMatch['suppression']['by']): number => result.suppressed.filter((x) => x.suppression.by === k).length;
    out.push(`${result.suppressed.length} suppressed (ignore file: ${by('ignore')}, VEX: ${by('vex')}, baseline: ${by('baseline')})`);
    for (const x of result.suppressed) {
      if (x.suppression.by !== 'baseline') out.push(`  ${oneLine(x.match.id)} ${oneLine(x.match.package.name)}@${versionText(x.match.package.version)}: ${x.suppression.by === 'vex' ? 'VEX ' : ''}${oneLine(x.suppression.reason)}`);
    }
  }
  for (const e of result.expiredIgnores) {
    out.push(`expired ignore entry: ${e.id}${e.package ? ` (${e.package})` : ''} expired on ${e.expires ?? ''}: ${e.reason}`);
  }
  for (const u of result.unknowns) out.push(`unknown: ${truncate(oneLine(u.package), unknownPackageWidth)}: ${truncate(oneLine(u.message), unknownMessageWidth)}`);
  return `${out.join('\n')}\n`;
}

export function toJson(result: ScanResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

const sarifLevel: Record<Match['severity'], 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', unknown: 'warning' };

/**
 * GitHub code scanning rates a security alert by its rule's `security-severity` score, not by the SARIF level:
 * critical from 9.0, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low (its SARIF support page, reportingDescriptor object,
 * words the first "over 9.0"; the bands meet at one decimal, and 9.0 is in no other, as on CVSS's own scale where 9.0
 * is critical). Each band as the one-decimal scores it holds, and a score near its middle.
 */
const securityBands: Record<Exclude<Match['severity'], 'unknown'>, { min: number; max: number; typical: number }> = {
  critical: { min: 9.0, max: 10, typical: 9.5 },
  high: { min: 7.0, max: 8.9, typical: 8.0 },
  medium: { min: 4.0, max: 6.9, typical: 5.5 },
  low: { min: 0.1, max: 3.9, typical: 2.0 },
};

/**
 * A match's `security-severity`: the severity shipshape reports, as GitHub reads a score. The highest CVSS score is
 * kept when it falls in that severity's band; otherwise (a CVE Debian rates low whose vector scores 9.8, a GHSA GitHub
 * rates moderate from a vector scoring 7.5) the band's middle score stands for it, so that code scanning shows the
 * severity the scan prints and gates on. An unknown severity has none.
 */
function securitySeverity(m: Match): string | undefined {
  if (m.severity === 'unknown') return undefined;
  const band = securityBands[m.severity];
  const score = m.score === undefined ? undefined : Number(m.score.toFixed(1));
  return (score !== undefined && score >= band.min && score <= band.max ? score : band.typical).toFixed(1);
}

const severityRank: Record<Match['severity'], number> = { critical: 4, high: 3, medium: 2, low: 1, unknown: 0 };

export function toSarif(result: ScanResult, toolVersion: string, artifact: string): string {
  const all: { m: Match; suppressed?: SuppressedMatch['suppression'] }[] = [...result.matches.map((m) => ({ m })), ...result.suppressed.map((x) => ({ m: x.match, suppressed: x.suppression }))];
  const ids = [...new Set(all.map((x) => x.m.id))].sort();
  const rules = ids.map((id) => {
    // one rule per vulnerability id, whose packages may be rated differently (Debian's urgency is per source
    // package): code scanning rates the rule, so it takes the most severe of its matches
    const m = all
      .map((x) => x.m)
      .filter((x) => x.id === id)
      .sort((a, b) => severityRank[b.severity] - severityRank[a.severity] || (b.score ?? -1) - (a.score ?? -1))[0];
    return {
      id,
      shortDescription: { text: m?.summary ?? id },
      helpUri: m?.references[0] ?? `https://osv.dev/vulnerability/${id}`,
      properties: { 'security-severity': m && securitySeverity(m), tags: ['vulnerability', m?.severity ?? 'unknown'] },
    };
  });
  const results = all.map(({ m, suppressed }) => ({
    ruleId: m.id,
    ruleIndex: ids.indexOf(m.id),
    level: sarifLevel[m.severity],
    message: {
      text: `${m.package.name} ${m.package.version} is affected by ${m.id} (${m.severity}; range ${m.range})${m.fixedVersion ? `; fixed in ${m.fixedVersion}` : `; ${m.state}`}`,
    },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: evidenceUri(m) ?? artifact.replace(/^\//, '') } },
        logicalLocations: [{ name: m.package.purl, kind: 'package' }],
      },
    ],
    ...(suppressed ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `${suppressed.by}: ${suppressed.reason}` }] } : {}),
    properties: { layer: m.package.layer, purl: m.package.purl, state: m.state, 'security-severity': securitySeverity(m), ...(m.codeNotPresent ? { codeNotPresent: true } : {}) },
  }));
  const doc = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'shipshape', version: toolVersion, rules } }, results }],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The image as an OpenVEX / CycloneDX product: `pkg:oci/<name>@<digest>` when the digest is known. */
function productId(result: ScanResult): string {
  const name = (result.source.name ?? 'image').replace(/^[a-z-]+:/, '').replace(/[:@].*$/, '').split('/').pop()?.toLowerCase().replace(/[^a-z0-9._-]/g, '-') ?? 'image';
  return result.source.digest ? `pkg:oci/${name || 'image'}@${encodeURIComponent(result.source.digest)}` : (result.source.name ?? 'image');
}

/**
 * OpenVEX 0.2.0: a `not_affected` statement (justification `vulnerable_code_not_present`) for each vulnerable package
 * whose code is not in the final image. `timestamp` is `now` (an ISO time) so that a caller can make it reproducible.
 */
export function toOpenVex(result: ScanResult, toolVersion: string, now: string): string {
  const product = productId(result);
  const statements = result.matches
    .filter((m) => m.codeNotPresent)
    .map((m) => ({
      vulnerability: { name: m.id, ...(m.aliases.length > 0 ? { aliases: m.aliases } : {}) },
      products: [{ '@id': product, subcomponents: [{ '@id': m.package.purl }] }],
      status: 'not_affected',
      justification: 'vulnerable_code_not_present',
      impact_statement: notPresentStatement(m),
    }));
  const body = { statements };
  const id = createHash('sha256').update(JSON.stringify([product, body])).digest('hex');
  const doc = {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://openvex.dev/docs/public/vex-${id}`,
    author: 'shipshape',
    timestamp: now,
    version: 1,
    tooling: `shipshape ${toolVersion}`,
    ...body,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const cdxJustification: Record<string, string> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'requires_environment',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};

function cdxMethod(vector: string): string {
  if (vector.startsWith('CVSS:4.0/')) return 'CVSSv4';
  if (vector.startsWith('CVSS:3.1/')) return 'CVSSv31';
  if (vector.startsWith('CVSS:3.0/')) return 'CVSSv3';
  return 'CVSSv2';
}

/**
 * CycloneDX 1.6 VEX: the vulnerable packages as components and one vulnerability per match, with its rating, the
 * affected component and version, and an analysis: `not_affected` for code not in the image or a VEX statement,
 * `resolved` for a VEX `fixed`, `in_triage` otherwise (a match is a finding, not yet an exploitability verdict).
 * Findings the ignore file or baseline accepted are local policy and are left out.
 */
export function toCycloneDxVex(result: ScanResult, toolVersion: string, now: string): string {
  const entries: { m: Match; vex?: SuppressedMatch['suppression'] }[] = [...result.matches.map((m) => ({ m })), ...result.suppressed.filter((x) => x.suppression.by === 'vex').map((x) => ({ m: x.match, vex: x.suppression }))];
  const components = new Map<string, object>();
  for (const { m } of entries) {
    components.set(m.package.purl, { type: 'library', 'bom-ref': m.package.purl, name: m.package.name, version: m.package.version, purl: m.package.purl });
  }
  const vulnerabilities = entries.map(({ m, vex }) => {
    const analysis = vex
      ? vex.status === 'fixed'
        ? { state: 'resolved', detail: vex.reason }
        : { state: 'not_affected', ...(vex.justification && cdxJustification[vex.justification] ? { justification: cdxJustification[vex.justification] } : {}), detail: vex.reason }
      : m.codeNotPresent
        ? { state: 'not_affected', justification: 'code_not_present', detail: notPresentStatement(m) }
        : { state: 'in_triage', detail: `${m.package.name} ${m.package.version} matches ${m.range}${m.fixedVersion ? `; fixed in ${m.fixedVersion}` : `; vendor state: ${m.state}`}` };
    return {
      'bom-ref': `${m.id}/${m.package.purl}`,
      id: m.id,
      source: { name: 'OSV', url: `https://osv.dev/vulnerability/${m.id}` },
      // its other ids, and the CVEs an advisory fixing several at once stands for
      ...(m.aliases.length + (m.covers?.length ?? 0) > 0 ? { references: [...m.aliases, ...(m.covers ?? [])].map((a) => ({ id: a, source: { name: a.startsWith('CVE-') ? 'NVD' : 'OSV', url: a.startsWith('CVE-') ? `https://nvd.nist.gov/vuln/detail/${a}` : `https://osv.dev/vulnerability/${a}` } })) } : {}),
      ratings: [
        m.vector
          ? { ...(m.score === undefined ? {} : { score: m.score }), severity: m.severity, method: cdxMethod(m.vector), vector: m.vector }
          : { severity: m.severity, method: 'other' },
      ],
      ...(m.summary ? { description: m.summary } : {}),
      ...(m.fixedVersion ? { recommendation: `upgrade ${m.advisoryPackage.name} to ${m.fixedVersion} or later` } : {}),
      analysis,
      affects: [{ ref: m.package.purl, versions: [{ version: m.package.version, status: 'affected' }] }],
    };
  });
  const serial = createHash('sha256').update(JSON.stringify([result.source, vulnerabilities])).digest('hex');
  const doc = {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${serial.slice(0, 8)}-${serial.slice(8, 12)}-5${serial.slice(13, 16)}-${((Number.parseInt(serial.slice(16, 17), 16) & 3) | 8).toString(16)}${serial.slice(17, 20)}-${serial.slice(20, 32)}`,
    version: 1,
    metadata: {
      timestamp: now,
      tools: { components: [{ type: 'application', name: 'shipshape', version: toolVersion }] },
      component: { type: 'container', 'bom-ref': productId(result), name: result.source.name ?? 'image' },
    },
    components: [...components.values()],
    vulnerabilities,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
