import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { schemaDir, validator } from '../../test/support/schemas.js';
import { catalogImageFiles } from '../sbom/catalog.js';
import type { Sbom } from '../sbom/model.js';
import { buildImage } from '../testing/images.js';
import { openDb, type VulnDb } from './db/database.js';
import { importOsv } from './db/import.js';
import { toCycloneDxVex, toOpenVex, toSarif, toText } from './formats.js';
import { scanSbom, type ScanResult } from './match.js';
import { type CodePresence, presenceOf } from './presence.js';
import { applySuppressions, baselineOf, parseBaseline, parseIgnoreFile, parseOpenVex } from './suppress.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__/osv');

/**
 * Debian 12 with glibc and tar (both vulnerable in the fixtures) and lodash; the last layer deletes libc's shared
 * objects without telling dpkg, as a careless slimming step would.
 */
async function slimmedImage() {
  return buildImage({
    layers: [
      [
        { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
        { path: 'lib', type: 'symlink', target: 'usr/lib' },
        {
          path: 'var/lib/dpkg/status',
          content:
            'Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9+deb12u1\n\n' +
            'Package: tar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.34+dfsg-1.2+deb12u1\n',
        },
        { path: 'var/lib/dpkg/info/libc6:amd64.list', content: '/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libc.so.6\n/lib/x86_64-linux-gnu/libm.so.6\n/usr/share/doc/libc6/copyright\n' },
        { path: 'var/lib/dpkg/info/tar.list', content: '/.\n/usr\n/usr/bin\n/usr/bin/tar\n' },
        { path: 'usr/lib/x86_64-linux-gnu/libc.so.6', content: 'ELF libc' },
        { path: 'usr/lib/x86_64-linux-gnu/libm.so.6', content: 'ELF libm' },
        { path: 'usr/share/doc/libc6/copyright', content: 'glibc copyright' },
        { path: 'usr/bin/tar', content: 'ELF tar' },
      ],
      [{ path: 'app/node_modules/lodash/package.json', content: '{"name":"lodash","version":"4.17.20"}' }],
      [
        { path: 'usr/lib/x86_64-linux-gnu/libc.so.6', type: 'whiteout' },
        { path: 'usr/lib/x86_64-linux-gnu/libm.so.6', type: 'whiteout' },
      ],
    ],
  });
}

describe('suppression, VEX and report formats', () => {
  let db: VulnDb;
  let sbom: Sbom;
  let presence: CodePresence;
  let result: ScanResult;

  beforeAll(async () => {
    db = openDb(join(await mkdtemp(join(tmpdir(), 'shipshape-policy-')), 'osv.sqlite'));
    await importOsv(db, fixtures);
    const scanned = await catalogImageFiles(await slimmedImage(), 'oci:slim:1');
    sbom = scanned.sbom;
    presence = presenceOf(scanned.files);
    result = scanSbom(sbom, db, presence);
  });

  it('marks a package whose code a later layer deleted, naming the layer; others stay present', () => {
    const found = result.matches.map((m) => [m.id, m.package.name, m.codeNotPresent]);
    expect(found).toEqual([
      ['DSA-5514-1', 'libc6', { removedBy: [2] }],
      ['GHSA-35jh-r3h4-6jhm', 'lodash', undefined],
      ['DEBIAN-CVE-2005-2541', 'tar', undefined],
    ]);
    expect(toText(result)).toMatch(/libc6\s+2\.36-9\+deb12u1\s+DSA-5514-1\s+high \(7\.8\)\s+2\.36-9\+deb12u3\s+fixed; code not in image \(deleted by layer 2\)/);
    // Without the image's files (an SBOM given as JSON) nothing is claimed.
    expect(scanSbom(sbom, db).matches.every((m) => m.codeNotPresent === undefined)).toBe(true);
  });

  it('writes OpenVEX not_affected statements for it, which suppress the finding when read back', () => {
    const vex = JSON.parse(toOpenVex(result, '0.1.0', '2026-01-01T00:00:00.000Z')) as { '@context': string; statements: { vulnerability: { name: string }; status: string; justification: string; products: { subcomponents: { '@id': string }[] }[]; impact_statement: string }[] };
    expect(vex['@context']).toBe('https://openvex.dev/ns/v0.2.0');
    expect(vex.statements).toHaveLength(1);
    const [s] = vex.statements;
    expect(s?.vulnerability.name).toBe('DSA-5514-1');
    expect(s?.status).toBe('not_affected');
    expect(s?.justification).toBe('vulnerable_code_not_present');
    expect(s?.products[0]?.subcomponents[0]?.['@id']).toMatch(/^pkg:deb\/debian\/libc6@2\.36-9\+deb12u1\?/);
    expect(s?.impact_statement).toContain('layer 2 deleted them');
    const back = applySuppressions(result.matches, { vex: [parseOpenVex(JSON.stringify(vex), 'vex.json')] });
    expect(back.matches.map((m) => m.id)).toEqual(['GHSA-35jh-r3h4-6jhm', 'DEBIAN-CVE-2005-2541']);
    expect(back.suppressed.map((x) => [x.match.id, x.suppression.by, x.suppression.justification])).toEqual([['DSA-5514-1', 'vex', 'vulnerable_code_not_present']]);
  });

  it('applies OpenVEX by alias and product purl; affected and under_investigation do not suppress; the latest statement wins', () => {
    const doc = parseOpenVex(
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        statements: [
          { vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'pkg:npm/lodash@4.17.20' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', impact_statement: 'template() is never called', timestamp: '2026-01-01T00:00:00Z' },
          { vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'pkg:npm/lodash@4.17.20' }], status: 'affected', timestamp: '2025-01-01T00:00:00Z' },
          { vulnerability: { name: 'DSA-5514-1' }, products: [{ '@id': 'pkg:oci/slim' }], status: 'under_investigation' },
          { vulnerability: 'DEBIAN-CVE-2005-2541', products: [{ '@id': 'pkg:deb/debian/tar@9.9' }], status: 'fixed' },
        ],
      }),
      'vex.json',
    );
    const r = applySuppressions(result.matches, { vex: [doc] });
    expect(r.matches.map((m) => m.id)).toEqual(['DSA-5514-1', 'DEBIAN-CVE-2005-2541']);
    expect(r.suppressed.map((x) => x.suppression.reason)).toEqual(['vulnerable_code_not_in_execute_path: template() is never called']);
    expect(() => parseOpenVex('{"statements": []}', 'x.json')).toThrow('x.json: not an OpenVEX document: field "@context"');
  });

  it('ignore entries suppress by id or alias, optionally per package, until they expire', () => {
    const ignore = parseIgnoreFile(
      [
        'vulnerabilities:',
        '  - id: CVE-2023-4911',
        '    package: glibc',
        '    reason: no setuid binaries in this image',
        '    expires: 2099-12-31',
        '  - id: GHSA-35jh-r3h4-6jhm',
        '    package: some-other-package',
        '    reason: wrong package, must not suppress lodash',
        '  - id: DEBIAN-CVE-2005-2541',
        '    reason: accepted until the tar upgrade',
        '    expires: 2020-01-31',
      ].join('\n'),
      '.shipshape-ignore.yaml',
    );
    const r = applySuppressions(result.matches, { ignore, today: '2026-11-27' });
    expect(r.suppressed.map((x) => [x.match.id, x.suppression.reason])).toEqual([['DSA-5514-1', 'no setuid binaries in this image']]);
    expect(r.matches.map((m) => m.id)).toEqual(['GHSA-35jh-r3h4-6jhm', 'DEBIAN-CVE-2005-2541']);
    expect(r.expired.map((e) => [e.id, e.expires])).toEqual([['DEBIAN-CVE-2005-2541', '2020-01-31']]);
    const text = toText({ ...result, matches: r.matches, suppressed: r.suppressed, expiredIgnores: r.expired });
    expect(text).toContain('1 suppressed (ignore file: 1, VEX: 0, baseline: 0)');
    expect(text).toContain('expired ignore entry: DEBIAN-CVE-2005-2541 expired on 2020-01-31: accepted until the tar upgrade');
    expect(() => parseIgnoreFile('vulnerabilities:\n  - id: X\n', 'ign.yaml')).toThrow('ign.yaml: field "vulnerabilities.0.reason"');
    expect(() => parseIgnoreFile('- id: X\n', 'ign.yaml')).toThrow('ign.yaml: field "(root)": Invalid input: expected object, received array');
    expect(() => parseIgnoreFile('vulnerabilities:\n  - id: X\n    reason: r\n    expires: soon\n', 'ign.yaml')).toThrow('vulnerabilities.0.expires');
  });

  it('a baseline accepts findings across package versions, and only those', () => {
    const baseline = parseBaseline(JSON.stringify(baselineOf(result.matches.slice(0, 2))), 'baseline.json');
    expect(baseline.findings.map((f) => [f.id, f.purl])).toEqual([
      ['DSA-5514-1', 'pkg:deb/debian/libc6'],
      ['GHSA-35jh-r3h4-6jhm', 'pkg:npm/lodash'],
    ]);
    const r = applySuppressions(result.matches, { baseline });
    expect(r.matches.map((m) => m.id)).toEqual(['DEBIAN-CVE-2005-2541']);
    expect(r.suppressed.map((x) => x.suppression.by)).toEqual(['baseline', 'baseline']);
    // a baseline that accepted the vulnerability under another of its ids (here the CVE the DSA names) still accepts it
    const byAlias = parseBaseline(JSON.stringify({ kind: 'shipshape-scan-baseline', version: 1, findings: [{ id: 'CVE-2023-4911', package: 'libc6', purl: 'pkg:deb/debian/libc6' }] }), 'b.json');
    expect(applySuppressions(result.matches, { baseline: byAlias }).suppressed.map((x) => x.match.id)).toEqual(['DSA-5514-1']);
    expect(() => parseBaseline('{"findings": []}', 'b.json')).toThrow('b.json: not a baseline written by `shipshape scan --write-baseline`: field "kind"');
    expect(() => parseBaseline('{"findings": [', 'b.json')).toThrow('b.json: not JSON (Unexpected end of JSON input)');
  });

  describe.skipIf(schemaDir === undefined)('against the official schemas', () => {
    it('SARIF 2.1.0: one result per vulnerable package, located at its evidence; suppressed ones marked', () => {
      const r = applySuppressions(result.matches, { baseline: baselineOf(result.matches.slice(1, 2)) });
      const doc = JSON.parse(toSarif({ ...result, matches: r.matches, suppressed: r.suppressed }, '0.1.0', 'oci:slim:1')) as {
        runs: { results: { ruleId: string; suppressions?: unknown[]; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
      };
      const validate = validator('sarif');
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      const results = doc.runs[0]?.results ?? [];
      expect(results.map((x) => [x.ruleId, x.locations[0]?.physicalLocation.artifactLocation.uri, x.suppressions !== undefined])).toEqual([
        ['DSA-5514-1', 'var/lib/dpkg/status', false],
        ['DEBIAN-CVE-2005-2541', 'var/lib/dpkg/status', false],
        ['GHSA-35jh-r3h4-6jhm', 'app/node_modules/lodash/package.json', true],
      ]);
    });

    it('CycloneDX 1.6 VEX: valid, with analysis states from presence and VEX statements', () => {
      const vex = parseOpenVex(JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [{ vulnerability: { name: 'CVE-2021-23337' }, status: 'not_affected', justification: 'inline_mitigations_already_exist' }] }), 'v.json');
      const r = applySuppressions(result.matches, { vex: [vex] });
      const doc = JSON.parse(toCycloneDxVex({ ...result, matches: r.matches, suppressed: r.suppressed }, '0.1.0', '2026-01-01T00:00:00.000Z')) as {
        vulnerabilities: { id: string; analysis: { state: string; justification?: string }; affects: { ref: string }[]; ratings: { method: string }[] }[];
      };
      const validate = validator('cyclonedx');
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(doc.vulnerabilities.map((v) => [v.id, v.analysis.state, v.analysis.justification])).toEqual([
        ['DSA-5514-1', 'not_affected', 'code_not_present'],
        ['DEBIAN-CVE-2005-2541', 'in_triage', undefined],
        ['GHSA-35jh-r3h4-6jhm', 'not_affected', 'protected_by_mitigating_control'],
      ]);
      expect(doc.vulnerabilities[0]?.ratings[0]?.method).toBe('CVSSv31');
    });
  });
});
