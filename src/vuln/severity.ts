/**
 * Severity of a match: the highest CVSS base score among the record's and the affected entry's vectors (v2, v3.x
 * and v4.0, computed with ae-cvss-calculator), else the advisory's own rating (GHSA's `database_specific.severity`,
 * Debian's urgency), else unknown. Ratings follow CVSS's qualitative scale.
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
  const w = word.toLowerCase();
  if (w === 'critical') return 'critical';
  if (w === 'high' || w === 'important') return 'high';
  if (w === 'moderate' || w === 'medium') return 'medium';
  if (w === 'low' || w === 'negligible' || w === 'unimportant') return 'low';
  return undefined;
}

export function severityOf(record: Osv, affected: OsvAffected): { severity: Severity; score: number | undefined; vector?: string } {
  let best: number | undefined;
  let vector: string | undefined;
  for (const s of [...(record.severity ?? []), ...(affected.severity ?? [])]) {
    const score = cvssScore(s.type, s.score);
    if (score !== undefined && (best === undefined || score > best)) {
      best = score;
      vector = s.score;
    }
  }
  if (best !== undefined) return { severity: ratingOf(best), score: best, ...(vector === undefined ? {} : { vector }) };
  const word =
    fromWord(record.database_specific?.severity) ??
    fromWord(affected.database_specific?.severity) ??
    fromWord(affected.ecosystem_specific?.severity) ??
    fromWord(affected.ecosystem_specific?.urgency);
  return { severity: word ?? 'unknown', score: undefined };
}
