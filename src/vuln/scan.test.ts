import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { validator } from '../../test/support/schemas.js';
import { catalogImage } from '../sbom/catalog.js';
import { buildImage } from '../testing/images.js';
import { openDb } from './db/database.js';
import { importOsv } from './db/import.js';
import { toJson, toSarif, toText } from './formats.js';
import { type Match, type ScanResult, scanSbom } from './match.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__/osv');
const schemas = resolve(import.meta.dirname, '../../../shared/schemas');

async function freshDb() {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-vuln-'));
  const db = openDb(join(dir, 'osv.sqlite'));
  const r = await importOsv(db, fixtures);
  return { db, r, dir };
}

async function image(libcVersion: string) {
  return buildImage({
    layers: [
      [
        { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
        {
          path: 'var/lib/dpkg/status',
          content: `Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: ${libcVersion}\n\nPackage: tar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.34+dfsg-1.2+deb12u1\n`,
        },
      ],
      [
        { path: 'app/node_modules/lodash/package.json', content: '{"name":"lodash","version":"4.17.20","license":"MIT"}' },
        { path: 'app/node_modules/other/node_modules/lodash/package.json', content: '{"name":"lodash","version":"4.17.21"}' },
        { path: 'usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\n' },
        { path: 'usr/lib/python3/dist-packages/requests-2.2.0.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: requests\nVersion: 2.2.0\n' },
      ],
    ],
  });
}

describe('scan', () => {
  it('imports OSV records once, idempotently', async () => {
    const { db, r } = await freshDb();
    expect(r.read).toBe(11);
    expect(r.changed).toBe(11);
    expect((await importOsv(db, fixtures)).changed).toBe(0);
    expect(db.status().ecosystems.map((e) => e.ecosystem)).toEqual(['Alpine:v3.18', 'Debian:11', 'Debian:12', 'Go', 'Maven', 'PyPI', 'Red Hat:enterprise_linux:10.2::baseos', 'crates.io', 'npm']);
    db.close();
  });

  it('matches Debian by source package and release, npm and PyPI by name, with each version semantics', async () => {
    const { db } = await freshDb();
    const sbom = await catalogImage(await image('2.36-9+deb12u1'), 'test');
    const result = scanSbom(sbom, db);
    const found = result.matches.map((m) => `${m.id} ${m.package.name}@${m.package.version} ${m.state}`);
    expect(found).toEqual([
      'DSA-5514-1 libc6@2.36-9+deb12u1 fixed',
      'GHSA-35jh-r3h4-6jhm lodash@4.17.20 fixed',
      'GHSA-j8r2-6x86-q33q requests@2.28.1 fixed',
      'DEBIAN-CVE-2005-2541 tar@1.34+dfsg-1.2+deb12u1 wont-fix',
    ]);
    const dsa = result.matches[0]!;
    expect(dsa.severity).toBe('high');
    expect(dsa.score).toBe(7.8);
    expect(dsa.fixedVersion).toBe('2.36-9+deb12u3');
    expect(dsa.advisoryPackage).toEqual({ ecosystem: 'Debian:12', name: 'glibc', version: '2.36-9+deb12u1' });
    expect(dsa.package.layer).toBe(0);
    expect(result.matches.find((m) => m.package.name === 'requests')?.range).toBe('>=2.3.0, <2.31.0');
    db.close();
  });

  it('does not match a fixed version', async () => {
    const { db } = await freshDb();
    const result = scanSbom(await catalogImage(await image('2.36-9+deb12u3'), 'test'), db);
    expect(result.matches.map((m) => m.id)).not.toContain('DSA-5514-1');
    db.close();
  });

  it('reports an unparseable version as unknown, not as a match or a crash', async () => {
    const { db } = await freshDb();
    const sbom = await catalogImage(await image('2.36-9+deb12u1'), 'test');
    sbom.packages.push({ ...sbom.packages.find((p) => p.name === 'lodash')!, version: 'not-a-version', id: 'x' });
    const result = scanSbom(sbom, db);
    expect(result.unknowns).toEqual([{ package: 'lodash@not-a-version', message: expect.stringContaining('invalid semantic version') as string }]);
    db.close();
  });

  it('rejects a record that is not OSV, naming the file', async () => {
    const { db, dir } = await freshDb();
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ id: 'X-1' }));
    await expect(importOsv(db, bad)).rejects.toThrow(`${bad}: not an OSV record: field "modified"`);
    await writeFile(bad, JSON.stringify('X-1'));
    await expect(importOsv(db, bad)).rejects.toThrow(`${bad}: not an OSV record: field "(root)": Invalid input: expected object, received string`);
    await writeFile(bad, '{"id": "X-1"');
    await expect(importOsv(db, bad)).rejects.toThrow(`${bad}: not JSON (Expected ',' or '}' after property value in JSON at position 12)`);
    await writeFile(bad, '[{"id": "X-1"}');
    await expect(importOsv(db, bad)).rejects.toThrow(`${bad}: not JSON (Expected ',' or ']' after array element in JSON at position 14)`);
    db.close();
  });

  it('stores nothing of an import that meets a bad record, however many good ones came first', async () => {
    const { db, dir } = await freshDb();
    const before = db.status();
    const folder = join(dir, 'export');
    await mkdir(folder);
    const good = (i: number) => ({ id: `GOOD-${String(i).padStart(4, '0')}`, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: `pkg-${i}` }, versions: ['1.0.0'] }] });
    await writeFile(join(folder, 'a-good.json'), JSON.stringify(Array.from({ length: 1200 }, (_, i) => good(i))));
    await writeFile(join(folder, 'b-bad.json'), JSON.stringify({ id: 'BAD-1' }));
    await expect(importOsv(db, folder)).rejects.toThrow(`${join(folder, 'b-bad.json')}: not an OSV record: field "modified"`);
    expect(db.status()).toEqual(before);
    expect(db.lookup('npm', 'pkg-0')).toEqual([]);
    db.close();
  });

  it('follows a folder symlinked into the import once, and refuses a symlink to itself as invalid input', async () => {
    const { db, dir } = await freshDb();
    const folder = join(dir, 'export');
    await mkdir(join(folder, 'npm'), { recursive: true });
    await writeFile(join(folder, 'npm', 'a.json'), JSON.stringify({ id: 'LOOP-1', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'looped' }, versions: ['1.0.0'] }] }));
    await symlink('..', join(folder, 'npm', 'up'));
    expect(await importOsv(db, folder)).toMatchObject({ read: 1, changed: 1 });
    await symlink('self.json', join(folder, 'self.json'));
    await expect(importOsv(db, folder)).rejects.toMatchObject({ code: 'invalid-input', message: `reading ${join(folder, 'self.json')}: too many levels of symbolic links` });
    db.close();
  });

  it('renders text and SARIF', async () => {
    const { db } = await freshDb();
    const result = scanSbom(await catalogImage(await image('2.36-9+deb12u1'), 'test'), db);
    expect(toText(result)).toContain('4 vulnerabilities (critical: 0, high: 2, medium: 1, low: 1, unknown: 0)');
    // a name from the image cannot forge a row: its line break is written as \n
    const forged = { ...result, matches: result.matches.map((m, i) => (i === 0 ? { ...m, package: { ...m.package, name: 'libc6\nopenssl  3.0.0  CVE-0000-0000' } } : m)) };
    const text = toText(forged);
    expect(text.split('\n').filter((l) => l.startsWith('openssl'))).toEqual([]);
    expect(text).toContain('libc6\\nopenssl');
    const sarif = JSON.parse(toSarif(result, '0.1.0', 'test')) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('var/lib/dpkg/status');
    // a path with a space, # or ? stays one URI path: each name percent-encoded
    const odd = { ...result, matches: result.matches.map((m) => ({ ...m, package: { ...m.package, locations: ['/app/my lib#1/?x/package.json'] } })) };
    const oddSarif = JSON.parse(toSarif(odd, '0.1.0', 'test')) as typeof sarif;
    expect(oddSarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('app/my%20lib%231/%3Fx/package.json');
    db.close();
  });

  it.skipIf(!existsSync(schemas))('SARIF security-severity agrees with the severity the scan reports, as code scanning bands a score', async () => {
    const { db, dir } = await freshDb();
    const critical = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }; // 9.8
    const high = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }; // 7.5
    const record = (id: string, ecosystem: string, name: string, extra: object, affected: object = {}): object => ({
      schema_version: '1.6.0',
      id,
      modified: '2024-02-01T00:00:00Z',
      affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], ...affected }],
      ...extra,
    });
    await writeFile(join(dir, 'extra.json'), JSON.stringify([
      // Debian rates it low for its build of tar, whatever the upstream vector scores
      record('DEBIAN-CVE-2099-0001', 'Debian:12', 'tar', { severity: [critical] }, { ecosystem_specific: { urgency: 'low' } }),
      // GitHub rates it moderate, below the vector it carries
      record('GHSA-test-mode-rate', 'npm', 'lodash', { severity: [high], database_specific: { severity: 'MODERATE' } }),
      // a rating with no vector at all
      record('GHSA-test-crit-ical', 'PyPI', 'requests', { database_specific: { severity: 'CRITICAL' } }),
      // neither a rating nor a vector
      record('DEBIAN-CVE-2099-0002', 'Debian:12', 'tar', {}),
      // one id, two source packages Debian rates apart: the rule takes the more severe, each result its own
      {
        ...record('DEBIAN-CVE-2099-0003', 'Debian:12', 'tar', { severity: [critical] }, { ecosystem_specific: { urgency: 'low' } }),
        affected: [
          { package: { ecosystem: 'Debian:12', name: 'tar' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], ecosystem_specific: { urgency: 'low' } },
          { package: { ecosystem: 'Debian:12', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], ecosystem_specific: { urgency: 'high' } },
        ],
      },
    ]));
    await importOsv(db, join(dir, 'extra.json'));
    const result = scanSbom(await catalogImage(await image('2.36-9+deb12u1'), 'test'), db);
    const doc = JSON.parse(toSarif(result, '0.1.0', 'test')) as {
      runs: { tool: { driver: { rules: { id: string; properties: { 'security-severity'?: string; tags: string[] } }[] } }; results: { ruleId: string; level: string; properties: { 'security-severity'?: string } }[] }[];
    };
    const validate = validator('sarif');
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const run = doc.runs[0];
    const rules = new Map(run?.tool.driver.rules.map((r) => [r.id, r]));
    const rows = (run?.results ?? []).map((r) => {
      const rule = rules.get(r.ruleId);
      const score = rule?.properties['security-severity'];
      return [r.ruleId, r.level, rule?.properties.tags[1], score, r.properties['security-severity']];
    });
    expect(rows).toEqual([
      ['GHSA-test-crit-ical', 'error', 'critical', '9.5', '9.5'],
      ['GHSA-test-crit-ical', 'error', 'critical', '9.5', '9.5'],
      // the vector's 9.8 would read as critical: the high band's middle instead
      ['DEBIAN-CVE-2099-0003', 'error', 'high', '8.0', '8.0'],
      // a CVSS score inside the reported severity's band is kept
      ['DSA-5514-1', 'error', 'high', '7.8', '7.8'],
      ['GHSA-35jh-r3h4-6jhm', 'error', 'high', '7.2', '7.2'],
      // GitHub's moderate, not the vector's 7.5
      ['GHSA-test-mode-rate', 'warning', 'medium', '5.5', '5.5'],
      ['GHSA-test-mode-rate', 'warning', 'medium', '5.5', '5.5'],
      ['GHSA-j8r2-6x86-q33q', 'warning', 'medium', '6.1', '6.1'],
      ['DEBIAN-CVE-2005-2541', 'note', 'low', '2.0', '2.0'],
      // Debian's low, not the vector's 9.8; tar's result keeps its own rating under glibc's rule
      ['DEBIAN-CVE-2099-0001', 'note', 'low', '2.0', '2.0'],
      ['DEBIAN-CVE-2099-0003', 'note', 'high', '8.0', '2.0'],
      // unknown: no score to give
      ['DEBIAN-CVE-2099-0002', 'warning', 'unknown', undefined, undefined],
    ]);
    // every rule's score falls in the band code scanning shows for the severity it is tagged with
    const band = (score: number): string => (score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : score >= 0.1 ? 'low' : 'none');
    for (const rule of run?.tool.driver.rules ?? []) {
      const score = rule.properties['security-severity'];
      expect([rule.id, score === undefined ? 'unknown' : band(Number(score))]).toEqual([rule.id, rule.properties.tags[1]]);
    }
    db.close();
  });

  it.each([
    // each band's edges, GitHub's: critical from 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9
    ['low', 0.1, '0.1'],
    ['low', 3.9, '3.9'],
    ['medium', 4.0, '4.0'],
    ['medium', 6.9, '6.9'],
    ['high', 7.0, '7.0'],
    ['high', 8.9, '8.9'],
    ['critical', 9.0, '9.0'],
    ['critical', 10.0, '10.0'],
    // the same scores under the neighbouring rating: that band's middle
    ['medium', 3.9, '5.5'],
    ['low', 4.0, '2.0'],
    ['high', 6.9, '8.0'],
    ['medium', 7.0, '5.5'],
    ['critical', 8.9, '9.5'],
    ['high', 9.0, '8.0'],
  ] as const)('SARIF security-severity: %s with a CVSS score of %s gives %s', (severity, score, want) => {
    const match: Match = {
      id: 'TEST-BAND',
      aliases: [],
      summary: undefined,
      severity,
      score,
      package: { id: 'npm:x@1.0.0', name: 'x', version: '1.0.0', type: 'npm', purl: 'pkg:npm/x@1.0.0', layer: 0, locations: ['/app/node_modules/x/package.json'] },
      advisoryPackage: { ecosystem: 'npm', name: 'x', version: '1.0.0' },
      range: 'all versions',
      fixedVersion: undefined,
      state: 'not-fixed',
      references: [],
    };
    const result: ScanResult = { matches: [match], unknowns: [], db: { records: 1, updatedAt: undefined }, source: { name: 'test', digest: undefined }, ecosystems: ['npm'], suppressed: [], expiredIgnores: [], warnings: [] };
    const doc = JSON.parse(toSarif(result, '0.1.0', 'test')) as { runs: { tool: { driver: { rules: { properties: { 'security-severity'?: string } }[] } }; results: { properties: { 'security-severity'?: string } }[] }[] };
    expect([doc.runs[0]?.tool.driver.rules[0]?.properties['security-severity'], doc.runs[0]?.results[0]?.properties['security-severity']]).toEqual([want, want]);
  });

  it('text output cuts long version strings from advisories with an ellipsis; JSON and SARIF keep them whole', async () => {
    const { db, dir } = await freshDb();
    const invalid = `1.0.${'a'.repeat(300)}`;
    // semver's own limit on a version is 256 characters
    const fixed = `4.18.0-${'b'.repeat(200)}`;
    const record = (id: string, name: string, events: object[]): object => ({
      schema_version: '1.6.0',
      id,
      modified: '2024-02-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events }] }],
      database_specific: { severity: 'HIGH' },
    });
    await writeFile(join(dir, 'GHSA-long-fixed.json'), JSON.stringify(record('GHSA-long-fixed', 'lodash', [{ introduced: '0' }, { fixed }])));
    await writeFile(join(dir, 'GHSA-bad-range.json'), JSON.stringify(record('GHSA-bad-range', 'lodash', [{ introduced: '0' }, { fixed: invalid }])));
    await importOsv(db, join(dir, 'GHSA-long-fixed.json'));
    await importOsv(db, join(dir, 'GHSA-bad-range.json'));
    const result = scanSbom(await catalogImage(await image('2.36-9+deb12u1'), 'test'), db);
    const text = toText(result);
    const lines = text.split('\n');
    const row = lines.find((l) => l.startsWith('lodash') && l.includes('GHSA-long-fixed')) ?? '';
    expect(row).toContain(`${fixed.slice(0, 39)}…`);
    expect(row).not.toContain(fixed);
    // every row of the table is as wide as its header line: no cell pushed the others apart
    const header = lines[0] ?? '';
    expect(Math.max(...lines.slice(0, lines.indexOf('')).map((l) => l.length))).toBeLessThan(header.length + 40);
    const unknowns = lines.filter((l) => l.startsWith('unknown: '));
    expect(unknowns).toHaveLength(2);
    for (const u of unknowns) {
      expect(u).toMatch(/^unknown: lodash@4\.17\.2[01]: GHSA-bad-range: invalid semantic version "1\.0\.a+…$/);
      expect(u.length).toBeLessThanOrEqual('unknown: lodash@4.17.20: '.length + 160);
    }
    const json = JSON.parse(toJson(result)) as { matches: { id: string; fixedVersion?: string }[]; unknowns: { message: string }[] };
    expect(json.matches.find((m) => m.id === 'GHSA-long-fixed')?.fixedVersion).toBe(fixed);
    expect(json.unknowns[0]?.message).toBe(`GHSA-bad-range: invalid semantic version "${invalid}"`);
    expect(toSarif(result, '0.1.0', 'test')).toContain(`fixed in ${fixed}`);
    db.close();
  });

  it('a Go binary: the standard library advisory matches once, through the SBOM’s stdlib package or, without it, the main module', async () => {
    const { db } = await freshDb();
    const hello = readFileSync(resolve(import.meta.dirname, '../sbom/catalogers/go/__fixtures__/hello'));
    const sbom = await catalogImage(await buildImage({ layers: [[{ path: 'app/hello', content: hello, mode: 0o755 }]] }), 'go');
    const stdlib = (r: ReturnType<typeof scanSbom>): string[] => r.matches.filter((m) => m.advisoryPackage.name === 'stdlib').map((m) => `${m.id} ${m.package.purl} ${m.advisoryPackage.version} fixed ${String(m.fixedVersion)}`);
    // hello was built by Go 1.19.8; GO-2023-2102 is fixed for stdlib in 1.20.10
    expect(stdlib(scanSbom(sbom, db))).toEqual(['GO-2023-2102 pkg:golang/stdlib@1.19.8 1.19.8 fixed 1.20.10']);
    const older = { ...sbom, packages: sbom.packages.filter((p) => p.metadata.stdlib !== true) };
    expect(stdlib(scanSbom(older, db))).toEqual(['GO-2023-2102 pkg:golang/example.com/hello@(devel) 1.19.8 fixed 1.20.10']);
    db.close();
  });
});

describe.skipIf(!existsSync(schemas))('OSV fixtures are valid OSV', () => {
  it.each(readdirSync(fixtures))('%s', (name) => {
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(schemas, 'osv.schema.json'), 'utf8')) as object);
    expect(validate(JSON.parse(readFileSync(join(fixtures, name), 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
  });
});
