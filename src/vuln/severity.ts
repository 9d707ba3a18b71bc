/**
 * Severity of a match, as trivy rates one: the rating of the database that published the record (its vendor
 * severity), else the highest CVSS base score among the record's and the affected entry's vectors (v2, v3.x and v4.0,
 * computed with ae-cvss-calculator) on CVSS's qualitative scale, else unknown. A record's own rating comes first
 * because it is the publisher's judgement for that ecosystem: Debian's security tracker rates a CVE `unimportant` for
 * Debian's build of a package whatever its CVSS vector scores upstream, and GitHub rates a GHSA from the vector it
 * chose when the record carries several. The highest CVSS score is reported beside it either way.
 *
 * Where a record carries its rating: per affected package, `ecosystem_specific.severity` or `.urgency` (Debian's
 * urgency), `database_specific.severity`, or a qualitative `severity` entry (type `Ubuntu`); per record,
 * `database_specific.severity` (GHSA) or a qualitative `severity` entry. An unassigned rating (`not yet assigned`,
 * `untriaged`) counts as none.
 */
import cvss from 'ae-cvss-calculator';
import type { Osv, OsvAffected } from './osv.js';

// ae-cvss-calculator is CommonJS: Node's ESM loader sees only its default export.
const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = cvss;

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'unknown';

export const severities: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'unknown'];

export function ratingOf(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'unknown';
}

/** Base score of a CVSS vector, or undefined when the vector is not valid. */
export function cvssScore(type: string, vector: string): number | undefined {
  try {
    if (type === 'CVSS_V4' || vector.startsWith('CVSS:4.0/')) return new Cvss4P0(vector).calculateScores().base;
    if (vector.startsWith('CVSS:3.1/')) return new Cvss3P1(vector).calculateScores().base;
    if (vector.startsWith('CVSS:3.0/')) return new Cvss3P0(vector).calculateScores().base;
    if (type === 'CVSS_V2') return new Cvss2(vector).calculateScores().base;
  } catch {
    return undefined;
  }
  return undefined;
}

function fromWord(word: unknown): Severity | undefined {
  if (typeof word !== 'string') return undefined;
  // the security tracker marks an urgency it has not confirmed with asterisks (`low**`)
  const w = word.toLowerCase().replace(/\*+$/, '');
  if (w === 'critical') return 'critical';
  if (w === 'high' || w === 'important') return 'high';
  if (w === 'moderate' || w === 'medium') return 'medium';
  if (w === 'low' || w === 'negligible' || w === 'unimportant') return 'low';
  return undefined;
}

type SeverityEntries = Osv['severity'];

/** The first qualitative entry (OSV's `Ubuntu` type) of a `severity` list; CVSS entries are vectors, not ratings. */
function ratingEntry(entries: SeverityEntries): Severity | undefined {
  for (const s of entries ?? []) {
    if (s.type.startsWith('CVSS_')) continue;
    const rating = fromWord(s.score);
    if (rating) return rating;
  }
  return undefined;
}

/** The rating the record's publisher gave, the affected package's own before the record's. */
function vendorSeverity(record: Osv, affected: OsvAffected): Severity | undefined {
  return (
    fromWord(affected.ecosystem_specific?.severity) ??
    fromWord(affected.ecosystem_specific?.urgency) ??
    fromWord(affected.database_specific?.severity) ??
    ratingEntry(affected.severity) ??
    fromWord(record.database_specific?.severity) ??
    ratingEntry(record.severity)
  );
}

/**
 * A match's severity and highest CVSS score; `byPublisher` when the severity is the publisher's own rating rather than
 * read from a CVSS score (the rating a distribution gives its own package outranks another record's CVSS score).
 */
export function severityOf(record: Osv, affected: OsvAffected): { severity: Severity; score: number | undefined; vector?: string; byPublisher: boolean } {
  let best: number | undefined;
  let vector: string | undefined;
  for (const s of [...(record.severity ?? []), ...(affected.severity ?? [])]) {
    const score = cvssScore(s.type, s.score);
    if (score !== undefined && (best === undefined || score > best)) {
      best = score;
      vector = s.score;
    }
  }
  const rated = vendorSeverity(record, affected);
  const severity = rated ?? (best === undefined ? 'unknown' : ratingOf(best));
  return { severity, score: best, ...(vector === undefined ? {} : { vector }), byPublisher: rated !== undefined };
}
