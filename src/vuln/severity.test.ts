import { describe, expect, it } from 'vitest';
import type { Osv, OsvAffected } from './osv.js';
import { severityOf } from './severity.js';

const critical = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }; // 9.8
const high = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }; // 7.5

function rate(record: Partial<Osv>, affected: Partial<OsvAffected> = {}): string {
  const a: OsvAffected = { package: { ecosystem: 'npm', name: 'x' }, ...affected };
  const r = severityOf({ id: 'X', modified: '2024-01-01T00:00:00Z', affected: [a], ...record }, a);
  return `${r.severity} ${r.score === undefined ? '-' : r.score.toFixed(1)}`;
}

describe('severity: the publisher’s rating first, then CVSS (as trivy rates)', () => {
  it.each([
    // GHSA: GitHub's rating wins over a vector that scores higher; the score is still reported
    ['GHSA rating with a higher-scoring vector', rate({ severity: [high], database_specific: { severity: 'MODERATE' } }), 'medium 7.5'],
    // Debian's security tracker: `unimportant` for Debian's build, whatever the upstream vector says
    ['Debian urgency with a critical vector', rate({ severity: [critical] }, { ecosystem_specific: { urgency: 'unimportant' } }), 'low 9.8'],
    ['Debian urgency not yet confirmed (`low**`)', rate({}, { ecosystem_specific: { urgency: 'low**' } }), 'low -'],
    // Ubuntu's priority is a `severity` entry of type Ubuntu
    ['Ubuntu priority beside a vector', rate({ severity: [critical, { type: 'Ubuntu', score: 'medium' }] }), 'medium 9.8'],
    ['Ubuntu priority alone', rate({ severity: [{ type: 'Ubuntu', score: 'high' }] }), 'high -'],
    // Red Hat's words
    ['a per-package rating before the record’s', rate({ database_specific: { severity: 'LOW' } }, { database_specific: { severity: 'Important' } }), 'high -'],
    // no rating, or an unassigned one: the highest CVSS score
    ['vectors only', rate({ severity: [high, critical] }), 'critical 9.8'],
    ['an unassigned urgency', rate({ severity: [high] }, { ecosystem_specific: { urgency: 'not yet assigned' } }), 'high 7.5'],
    ['an untriaged Ubuntu priority', rate({ severity: [{ type: 'Ubuntu', score: 'untriaged' }, high] }), 'high 7.5'],
    ['nothing', rate({}), 'unknown -'],
  ])('%s', (_name, got, want) => {
    expect(got).toBe(want);
  });
});
