import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { catalogImage } from '../sbom/catalog.js';
import { buildImage } from '../testing/images.js';
import { openDb } from './db/database.js';
import { importOsv } from './db/import.js';
import { toCycloneDxVex, toJson } from './formats.js';
import { type ScanInput, type ScanPackage, type ScanResult, scanSbom } from './match.js';
import { applySuppressions, parseIgnoreFile, parseOpenVex } from './suppress.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__/osv');

function pkg(type: string, name: string, version: string, metadata: ScanPackage['metadata'] = {}): ScanPackage {
  return { id: `${type}:${name}@${version}`, type, name, version, purl: `pkg:${type}/${name}@${version}`, layer: 0, locations: [`/evidence/${name}`], metadata };
}

async function scan(input: ScanInput): Promise<string[]> {
  const db = openDb(join(await mkdtemp(join(tmpdir(), 'shipshape-match-')), 'osv.sqlite'));
  try {
    await importOsv(db, fixtures);
    return scanSbom(input, db).matches.map((m) => `${m.id} ${m.package.name}@${m.package.version} via ${m.advisoryPackage.ecosystem}/${m.advisoryPackage.name}@${m.advisoryPackage.version}`);
  } finally {
    db.close();
  }
}

describe('advisory identity per ecosystem', () => {
  it('RHEL rpms match every Red Hat repository ecosystem of their major release', async () => {
    const rhel = (versionId: string): ScanInput => ({ source: { distro: { id: 'rhel', versionId } }, packages: [pkg('rpm', 'glibc', '2.39-120.el10_2'), pkg('rpm', 'bash', '5.2.26-6.el10')] });
    expect(await scan(rhel('10.2'))).toEqual(['RHSA-2026:19061 glibc@2.39-120.el10_2 via Red Hat:enterprise_linux:10.2::baseos/glibc@2.39-120.el10_2']);
    expect(await scan(rhel('1'))).toEqual([]);
  });

  it('RHEL rpms need the Red Hat export, also when the database holds none of its ecosystems yet', async () => {
    const rhel: ScanInput = { source: { distro: { id: 'rhel', versionId: '9.4' } }, packages: [pkg('rpm', 'glibc', '2.34-100.el9_4.2'), pkg('npm', 'left-pad', '1.3.0')] };
    const db = openDb(join(await mkdtemp(join(tmpdir(), 'shipshape-match-')), 'osv.sqlite'));
    try {
      expect(scanSbom(rhel, db)).toMatchObject({ ecosystems: ['Red Hat', 'npm'], warnings: [] });
      await importOsv(db, fixtures);
      // Rocky and Alma name their ecosystem by major release: known without the database
      expect(scanSbom({ ...rhel, source: { distro: { id: 'rocky', versionId: '9.4' } } }, db).ecosystems).toEqual(['Rocky Linux:9', 'npm']);
      expect(scanSbom({ ...rhel, source: { distro: { id: 'rhel', versionId: '10.2' } } }, db).ecosystems).toEqual(['Red Hat', 'Red Hat:enterprise_linux:10.2::baseos', 'npm']);
    } finally {
      db.close();
    }
  });

  it('Maven artifacts by groupId:artifactId; crates by name', async () => {
    const found = await scan({
      source: {},
      packages: [
        pkg('maven', 'log4j-core', '2.14.1', { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-core' }),
        pkg('maven', 'log4j-core', '2.14.1', { artifactId: 'log4j-core' }),
        pkg('cargo', 'time', '0.2.22'),
      ],
    });
    expect(found).toEqual([
      'GHSA-jfh8-c2jp-5v3q log4j-core@2.14.1 via Maven/org.apache.logging.log4j:log4j-core@2.14.1',
      'RUSTSEC-2020-0071 time@0.2.22 via crates.io/time@0.2.22',
    ]);
  });

  it('a Go binary: its modules, and the standard library at the toolchain version it was built with', async () => {
    const found = await scan({
      source: {},
      packages: [
        pkg('golang', 'example.com/app', '(devel)', { mainModule: true, goVersion: 'go1.21.1' }),
        pkg('golang', 'golang.org/x/net', 'v0.16.0', { mainModule: false, goVersion: 'go1.21.1' }),
        pkg('golang', 'example.com/patched', '(devel)', { mainModule: true, goVersion: 'go1.21.3' }),
      ],
    });
    expect(found).toEqual(['GO-2023-2102 example.com/app@(devel) via Go/stdlib@1.21.1', 'GO-2023-2102 golang.org/x/net@v0.16.0 via Go/golang.org/x/net@v0.16.0']);
  });

  it('Go releases named before 1.21 without `.0`, and pre-releases (`go1.20`, `go1.21rc2`), match the standard library', async () => {
    const found = await scan({
      source: {},
      packages: [
        { ...pkg('golang', 'stdlib', '1.20', { stdlib: true, goVersion: 'go1.20' }), locations: ['/app/old'] },
        pkg('golang', 'example.com/app', '(devel)', { mainModule: true, goVersion: 'go1.21rc2' }),
        { ...pkg('golang', 'stdlib', '1.21.3', { stdlib: true, goVersion: 'go1.21.3' }), locations: ['/app/new'] },
      ],
    });
    expect(found).toEqual(['GO-2023-2102 example.com/app@(devel) via Go/stdlib@1.21.0-rc.2', 'GO-2023-2102 stdlib@1.20 via Go/stdlib@1.20.0']);
  });

  it('a Go binary whose SBOM lists `stdlib`: the standard library matches through that package, once', async () => {
    const at = (p: ScanPackage): ScanPackage => ({ ...p, locations: ['/app/server'] });
    const found = await scan({
      source: {},
      packages: [
        at(pkg('golang', 'example.com/app', '(devel)', { mainModule: true, goVersion: 'go1.21.1' })),
        at(pkg('golang', 'stdlib', '1.21.1', { stdlib: true, goVersion: 'go1.21.1' })),
        pkg('golang', 'example.com/other', '(devel)', { mainModule: true, goVersion: 'go1.21.2' }),
      ],
    });
    // the second binary's SBOM has no stdlib package (another tool made it): its main module still brings the key
    expect(found).toEqual(['GO-2023-2102 example.com/other@(devel) via Go/stdlib@1.21.2', 'GO-2023-2102 stdlib@1.21.1 via Go/stdlib@1.21.1']);
  });
});

describe('Ubuntu releases', () => {
  it('are looked up under OSV’s ecosystem names: `Ubuntu:22.04:LTS` for a long-term release, `Ubuntu:24.10` otherwise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-match-'));
    const db = openDb(join(dir, 'osv.sqlite'));
    const openssl = (ecosystem: string, fixed: string): object => ({ package: { ecosystem, name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] });
    await writeFile(join(dir, 'UBUNTU-CVE-2024-5535.json'), JSON.stringify({
      id: 'UBUNTU-CVE-2024-5535',
      modified: '2025-01-01T00:00:00Z',
      affected: [openssl('Ubuntu:22.04:LTS', '3.0.2-0ubuntu1.18'), openssl('Ubuntu:Pro:22.04:LTS', '3.0.2-0ubuntu1.18+esm1'), openssl('Ubuntu:24.10', '3.3.1-2ubuntu2.1')],
    }));
    try {
      await importOsv(db, join(dir, 'UBUNTU-CVE-2024-5535.json'));
      const on = (versionId: string, version: string): string[] =>
        scanSbom({ source: { distro: { id: 'ubuntu', versionId } }, packages: [pkg('deb', 'libssl3', version, { source: 'openssl' })] }, db).matches.map((m) => `${m.advisoryPackage.ecosystem} ${m.fixedVersion ?? ''}`);
      expect(on('22.04', '3.0.2-0ubuntu1.15')).toEqual(['Ubuntu:22.04:LTS 3.0.2-0ubuntu1.18']);
      expect(on('24.10', '3.3.1-2ubuntu2')).toEqual(['Ubuntu:24.10 3.3.1-2ubuntu2.1']);
      expect(on('22.04', '3.0.2-0ubuntu1.18')).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe('one finding per vulnerability', () => {
  it('records that name each other as aliases (GHSA, PYSEC, the CVE) give one match, keeping every id as an alias', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-match-'));
    const db = openDb(join(dir, 'osv.sqlite'));
    const requests = (id: string, aliases: string[], fixed: string): object => ({
      id,
      modified: '2024-03-01T00:00:00Z',
      aliases,
      affected: [{ package: { ecosystem: 'PyPI', name: 'requests' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
    });
    await writeFile(join(dir, 'extra.json'), JSON.stringify([
      // osv.dev's PyPI record of the CVE the GHSA fixture describes: no severity of its own
      requests('PYSEC-2023-74', ['CVE-2023-32681', 'GHSA-j8r2-6x86-q33q'], '2.31.0'),
      // linked to the others only through the CVE id
      requests('CVE-2023-32681', [], '2.31.0'),
      // another vulnerability of the same package stays a finding of its own
      requests('PYSEC-2018-28', ['CVE-2018-18074', 'GHSA-x84v-xcm2-53pg'], '2.20.0'),
    ]));
    try {
      await importOsv(db, fixtures);
      await importOsv(db, join(dir, 'extra.json'));
      const result = scanSbom({ source: {}, packages: [pkg('pypi', 'requests', '2.19.0'), pkg('pypi', 'Requests', '2.28.1')] }, db);
      expect(result.matches.map((m) => `${m.id} ${m.package.name}@${m.package.version} ${m.severity} [${m.aliases.join(' ')}]`)).toEqual([
        'GHSA-j8r2-6x86-q33q Requests@2.28.1 medium [CVE-2023-32681 PYSEC-2023-74]',
        'GHSA-j8r2-6x86-q33q requests@2.19.0 medium [CVE-2023-32681 PYSEC-2023-74]',
        'PYSEC-2018-28 requests@2.19.0 unknown [CVE-2018-18074 GHSA-x84v-xcm2-53pg]',
      ]);
    } finally {
      db.close();
    }
  });
});

describe('one finding per vulnerability: whose severity', () => {
  const critical = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }; // 9.8
  const record = (id: string, aliases: string[], ecosystem: string, name: string, extra: object, affected: object = {}): object => ({
    id,
    modified: '2024-03-01T00:00:00Z',
    aliases,
    affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '99' }] }], ...affected }],
    ...extra,
  });
  async function scanned(records: object[], input: ScanInput): Promise<ScanResult> {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-match-'));
    const db = openDb(join(dir, 'osv.sqlite'));
    await writeFile(join(dir, 'extra.json'), JSON.stringify(records));
    try {
      await importOsv(db, fixtures);
      await importOsv(db, join(dir, 'extra.json'));
      return scanSbom(input, db);
    } finally {
      db.close();
    }
  }
  async function findings(records: object[], input: ScanInput): Promise<string[]> {
    return (await scanned(records, input)).matches.map((m) => `${m.id} ${m.package.name} ${m.severity} ${m.score === undefined ? '-' : m.score.toFixed(1)} [${m.aliases.join(' ')}]`);
  }

  it('for an OS package, the record its distribution rated decides over another record’s CVSS score', async () => {
    const debian = { distro: { id: 'debian', versionId: '12' } };
    const libc = pkg('deb', 'libc6', '2.36-9+deb12u1', { source: 'glibc', sourceVersion: '2.36-9+deb12u1' });
    // the DSA fixture carries a CVSS 3.1 vector (7.8, high) and names CVE-2023-4911; Debian's tracker rates it low
    const tracker = record('DEBIAN-CVE-2023-4911', ['CVE-2023-4911'], 'Debian:12', 'glibc', {}, { ecosystem_specific: { urgency: 'low' } });
    expect(await findings([tracker], { source: debian, packages: [libc] })).toEqual(['DEBIAN-CVE-2023-4911 libc6 low - [CVE-2023-4911 DSA-5514-1]']);
    // two ratings of the distribution's own: the more severe
    const other = record('DEBIAN-CVE-2099-0001', ['CVE-2023-4911'], 'Debian:12', 'glibc', {}, { ecosystem_specific: { urgency: 'medium' } });
    expect(await findings([tracker, other], { source: debian, packages: [libc] })).toEqual(['DEBIAN-CVE-2099-0001 libc6 medium - [CVE-2023-4911 DEBIAN-CVE-2023-4911 DSA-5514-1]']);
    // no rating of the distribution's own among them: the highest severity, as before
    const unrated = record('DEBIAN-CVE-2023-4911', ['CVE-2023-4911'], 'Debian:12', 'glibc', {});
    expect(await findings([unrated], { source: debian, packages: [libc] })).toEqual(['DSA-5514-1 libc6 high 7.8 [CVE-2023-4911 DEBIAN-CVE-2023-4911]']);
  });

  describe('Debian’s records name their CVE in `upstream`, not `aliases` (as osv.dev publishes them)', () => {
    const bullseye = { distro: { id: 'debian', versionId: '11' } };
    const libssl = pkg('deb', 'libssl1.1', '1.1.1n-0+deb11u4', { source: 'openssl', sourceVersion: '1.1.1n-0+deb11u4' });
    // the shape of osv.dev's Debian records: no aliases, the CVE (or CVEs, for an advisory fixing several) in upstream
    const debian = (id: string, links: { upstream: string[]; related?: string[] }, extra: object, affected: object = {}): object => ({
      schema_version: '1.6.0',
      id,
      modified: '2024-03-01T00:00:00Z',
      published: '2024-02-01T00:00:00Z',
      ...links,
      details: `${id} test record`,
      affected: [{ package: { ecosystem: 'Debian:11', name: 'openssl', purl: 'pkg:deb/debian/openssl?arch=source' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1.1w-0+deb11u1' }] }], ...affected }],
      ...extra,
    });
    const tracker1 = debian('DEBIAN-CVE-2099-1001', { upstream: ['CVE-2099-1001'] }, {}, { ecosystem_specific: { urgency: 'low' } });
    const tracker2 = debian('DEBIAN-CVE-2099-1002', { upstream: ['CVE-2099-1002'] }, {}, { ecosystem_specific: { urgency: 'medium' } });
    const found = (records: object[]): Promise<string[]> => findings(records, { source: bullseye, packages: [libssl] });

    it('a DLA fixing one CVE and the DEBIAN-CVE record of it: one finding, Debian’s rating over the DLA’s CVSS score', async () => {
      const dla = debian('DLA-9901-1', { upstream: ['CVE-2099-1001'] }, { severity: [critical] });
      expect(await found([dla, tracker1])).toEqual(['DEBIAN-CVE-2099-1001 libssl1.1 low - [CVE-2099-1001 DLA-9901-1]']);
      // alone, the DEBIAN-CVE record still answers to its CVE id (an ignore entry naming the CVE applies)
      expect(await found([tracker1])).toEqual(['DEBIAN-CVE-2099-1001 libssl1.1 low - [CVE-2099-1001]']);
    });

    it('a DLA fixing several CVEs joins each CVE’s finding without merging the CVEs; kept when one is found by it alone', async () => {
      const dla = debian('DLA-9902-1', { upstream: ['CVE-2099-1001', 'CVE-2099-1002'] }, { severity: [critical] });
      expect(await found([dla, tracker1, tracker2])).toEqual([
        'DEBIAN-CVE-2099-1002 libssl1.1 medium - [CVE-2099-1002 DLA-9902-1]',
        'DEBIAN-CVE-2099-1001 libssl1.1 low - [CVE-2099-1001 DLA-9902-1]',
      ]);
      expect(await found([dla, tracker1])).toEqual(['DLA-9902-1 libssl1.1 critical 9.8 []', 'DEBIAN-CVE-2099-1001 libssl1.1 low - [CVE-2099-1001]']);
    });

    it('a DLA kept as a finding of its own names the CVEs it alone finds; ignoring all of them by CVE id suppresses it', async () => {
      const dla = debian('DLA-9902-1', { upstream: ['CVE-2099-1001', 'CVE-2099-1002'] }, { severity: [critical] });
      const alone = await scanned([dla], { source: bullseye, packages: [libssl] });
      expect(alone.matches.map((m) => [m.id, m.aliases, m.covers])).toEqual([['DLA-9902-1', [], ['CVE-2099-1001', 'CVE-2099-1002']]]);
      expect(JSON.parse(toJson(alone))).toMatchObject({ matches: [{ id: 'DLA-9902-1', covers: ['CVE-2099-1001', 'CVE-2099-1002'] }] });
      const cdx = JSON.parse(toCycloneDxVex(alone, '0.1.0', '2026-01-01T00:00:00.000Z')) as { vulnerabilities: { id: string; references?: { id: string }[] }[] };
      expect(cdx.vulnerabilities.map((v) => [v.id, v.references?.map((r) => r.id)])).toEqual([['DLA-9902-1', ['CVE-2099-1001', 'CVE-2099-1002']]]);
      // an ignore file with one entry per CVE id, for the advisory's source package
      const suppressedBy = (r: ScanResult, ...ids: string[]): string[][] => {
        const ignore = parseIgnoreFile(`vulnerabilities:\n${ids.map((id) => `  - id: ${id}\n    package: openssl\n    reason: ${id} needs a TLS peer\n`).join('')}`, 'ignore.yaml');
        return applySuppressions(r.matches, { ignore }).suppressed.map((x) => [x.match.id, x.suppression.reason]);
      };
      // one CVE ignored leaves the other the DLA fixes reported
      expect(suppressedBy(alone, 'CVE-2099-1001')).toEqual([]);
      expect(suppressedBy(alone, 'CVE-2099-1001', 'CVE-2099-1002')).toEqual([['DLA-9902-1', 'CVE-2099-1001 needs a TLS peer; CVE-2099-1002 needs a TLS peer']]);
      // with the DEBIAN-CVE record of one CVE, the DLA stands for the other alone: ignoring that one suppresses it
      const partly = await scanned([dla, tracker1], { source: bullseye, packages: [libssl] });
      expect(partly.matches.map((m) => [m.id, m.covers])).toEqual([
        ['DLA-9902-1', ['CVE-2099-1002']],
        ['DEBIAN-CVE-2099-1001', undefined],
      ]);
      expect(suppressedBy(partly, 'CVE-2099-1002')).toEqual([['DLA-9902-1', 'CVE-2099-1002 needs a TLS peer']]);
      expect(suppressedBy(partly, 'CVE-2099-1001')).toEqual([['DEBIAN-CVE-2099-1001', 'CVE-2099-1001 needs a TLS peer']]);

      // OpenVEX alike: a statement per CVE the DLA stands for, for the installed package; the latest per CVE counts
      const settledBy = (r: ScanResult, ...statements: { id: string; status: string; justification?: string; timestamp?: string }[]) => {
        const vex = parseOpenVex(
          JSON.stringify({
            '@context': 'https://openvex.dev/ns/v0.2.0',
            statements: statements.map(({ id, ...rest }) => ({ vulnerability: { name: id }, products: [{ '@id': libssl.purl }], ...rest })),
          }),
          'vex.json',
        );
        return applySuppressions(r.matches, { vex: [vex] }).suppressed.map((x) => ({ id: x.match.id, ...x.suppression }));
      };
      const unused = { id: 'CVE-2099-1001', status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' };
      expect(settledBy(alone, unused)).toEqual([]);
      expect(settledBy(alone, unused, { id: 'CVE-2099-1002', status: 'fixed' })).toEqual([{ id: 'DLA-9902-1', by: 'vex', reason: 'vulnerable_code_not_in_execute_path; fixed', status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }]);
      // a later statement saying one of them affects the package again leaves the DLA reported
      expect(settledBy(alone, unused, { id: 'CVE-2099-1002', status: 'fixed', timestamp: '2026-01-01T00:00:00Z' }, { id: 'CVE-2099-1002', status: 'affected', timestamp: '2026-02-01T00:00:00Z' })).toEqual([]);
      expect(settledBy(partly, { id: 'CVE-2099-1002', status: 'fixed' })).toEqual([{ id: 'DLA-9902-1', by: 'vex', reason: 'fixed', status: 'fixed' }]);
    });

    it('`related` names another vulnerability: not followed', async () => {
      const near = debian('DEBIAN-CVE-2099-1003', { upstream: ['CVE-2099-1003'], related: ['CVE-2099-1001'] }, {}, { ecosystem_specific: { urgency: 'high' } });
      expect(await found([tracker1, near])).toEqual(['DEBIAN-CVE-2099-1003 libssl1.1 high - [CVE-2099-1003]', 'DEBIAN-CVE-2099-1001 libssl1.1 low - [CVE-2099-1001]']);
    });
  });

  it('for a language package, the highest severity still decides', async () => {
    // GitHub rates it low; a PYSEC record of it carries only a critical vector
    const ghsa = record('GHSA-test-rate-dlow', ['CVE-2099-0002'], 'PyPI', 'requests', { database_specific: { severity: 'LOW' } });
    const pysec = record('PYSEC-2099-1', ['CVE-2099-0002', 'GHSA-test-rate-dlow'], 'PyPI', 'requests', { severity: [critical] });
    expect(await findings([ghsa, pysec], { source: {}, packages: [pkg('pypi', 'requests', '2.28.1')] })).toContain('PYSEC-2099-1 requests critical 9.8 [CVE-2099-0002 GHSA-test-rate-dlow]');
  });
});

describe('PyPI names', () => {
  const record = (id: string, name: string, fixed: string): object => ({
    id,
    modified: '2024-01-01T00:00:00Z',
    affected: [{ package: { ecosystem: 'PyPI', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
  });
  const installed = [pkg('pypi', 'pillow', '10.1.0'), pkg('pypi', 'zope_interface', '5.0.0'), pkg('pypi', 'Zope-Interface', '5.0.1')];
  const found = (db: ReturnType<typeof openDb>): string[] =>
    scanSbom({ source: {}, packages: installed }, db).matches.map((m) => `${m.id} ${m.package.name}@${m.package.version} via ${m.advisoryPackage.name}`);

  it('an advisory naming `Pillow` or `zope.interface` finds `pillow`, `zope_interface` and `Zope-Interface` (PEP 503)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-match-'));
    const db = openDb(join(dir, 'osv.sqlite'));
    await writeFile(join(dir, 'records.json'), JSON.stringify([record('TEST-PILLOW', 'Pillow', '10.2.0'), record('TEST-ZOPE', 'zope.interface', '5.1.0')]));
    try {
      await importOsv(db, join(dir, 'records.json'));
      expect(found(db)).toEqual(['TEST-ZOPE Zope-Interface@5.0.1 via zope-interface', 'TEST-PILLOW pillow@10.1.0 via pillow', 'TEST-ZOPE zope_interface@5.0.0 via zope-interface']);
    } finally {
      db.close();
    }
  });

  it('a database indexed under the records’ own spelling is re-keyed when opened', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-match-'));
    const file = join(dir, 'osv.sqlite');
    // the index as an older shipshape wrote it: `affected.name` as the record spells it, no `nameIndex` meta
    const old = new Database(file);
    old.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); CREATE TABLE advisories (id TEXT PRIMARY KEY, modified TEXT NOT NULL, body TEXT NOT NULL); CREATE TABLE affected (ecosystem TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (ecosystem, name, id));');
    old.prepare('INSERT INTO advisories VALUES (?, ?, ?)').run('TEST-PILLOW', '2024-01-01T00:00:00Z', JSON.stringify(record('TEST-PILLOW', 'Pillow', '10.2.0')));
    old.prepare('INSERT INTO affected VALUES (?, ?, ?)').run('PyPI', 'Pillow', 'TEST-PILLOW');
    old.close();
    const db = openDb(file);
    try {
      expect(found(db)).toEqual(['TEST-PILLOW pillow@10.1.0 via pillow']);
      expect(db.getMeta('nameIndex')).toBeDefined();
    } finally {
      db.close();
    }
  });
});

interface DistroScan {
  found: string[];
  ecosystems: string[];
  warnings: string[];
}

/** Scans `packages` of an image on `distro` against a database holding `record` alone. */
async function scanWithRecord(record: object, distro: ScanInput['source']['distro'], packages: ScanPackage[]): Promise<DistroScan> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-match-'));
  const db = openDb(join(dir, 'osv.sqlite'));
  await writeFile(join(dir, 'record.json'), JSON.stringify(record));
  try {
    await importOsv(db, join(dir, 'record.json'));
    const r = scanSbom({ source: { distro }, packages }, db);
    return { found: r.matches.map((m) => `${m.package.name} via ${m.advisoryPackage.ecosystem}`), ecosystems: r.ecosystems, warnings: r.warnings };
  } finally {
    db.close();
  }
}

/** The distribution the catalog reads from an image holding this /etc/os-release. */
async function distroOf(osRelease: string): Promise<ScanInput['source']['distro']> {
  return (await catalogImage(await buildImage({ layers: [[{ path: 'etc/os-release', content: osRelease }]] }), 'distro')).source.distro;
}

describe('the distribution an image names', () => {
  // a test record for one source package in three Debian releases
  const record = {
    id: 'TEST-DEBIAN-ZLIB',
    modified: '2024-01-01T00:00:00Z',
    affected: ['11', '12', '13'].map((n) => ({ package: { ecosystem: `Debian:${n}`, name: 'zlib' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:1.3.dfsg+really1.3.1-1' }] }] })),
  };
  const zlib = pkg('deb', 'zlib1g', '1:1.2.13.dfsg-1', { source: 'zlib' });
  const scanOn = (distro: ScanInput['source']['distro'], packages: ScanPackage[] = [zlib]): Promise<DistroScan> => scanWithRecord(record, distro, packages);

  it('Debian with a VERSION_ID: its release, nothing to say', async () => {
    expect(await scanOn({ id: 'debian', versionId: '12', versionCodename: 'bookworm' })).toEqual({ found: ['zlib1g via Debian:12'], ecosystems: ['Debian:12'], warnings: [] });
  });

  it('Debian testing or unstable (`trixie/sid`, no VERSION_ID): the release its codename names, said so', async () => {
    const r = await scanOn({ id: 'debian', versionCodename: 'trixie' });
    expect(r.found).toEqual(['zlib1g via Debian:13']);
    expect(r.warnings).toEqual([expect.stringMatching(/^Debian trixie\/sid \(testing or unstable\) has no release number: its packages were matched against the advisories of Debian 13 \(trixie\)/)]);
  });

  it('Debian testing whose codename has no release number yet: not matched, said so', async () => {
    const r = await scanOn({ id: 'debian', versionCodename: 'forky' });
    expect(r).toEqual({ found: [], ecosystems: [], warnings: ['1 deb package was not checked for vulnerabilities: there is no OSV ecosystem for debian forky'] });
  });

  it('a Debian derivative on a Debian release (Raspbian bookworm): that release’s advisories, said so', async () => {
    const r = await scanOn({ id: 'raspbian', versionId: '12', versionCodename: 'bookworm', idLike: 'debian' });
    expect(r.found).toEqual(['zlib1g via Debian:12']);
    expect(r.warnings).toEqual([expect.stringMatching(/^raspbian derives from Debian: its packages were matched against the advisories of Debian 12 \(bookworm\)/)]);
  });

  it('a derivative naming its Debian base in DEBIAN_CODENAME (LMDE 6 faye on bookworm): that release’s advisories, said so', async () => {
    // /etc/os-release as LMDE 6 ships it: its own codename in VERSION_CODENAME, Debian's in DEBIAN_CODENAME
    const lmde = 'PRETTY_NAME="LMDE 6 (faye)"\nNAME="LMDE"\nVERSION_ID="6"\nVERSION="6 (faye)"\nVERSION_CODENAME=faye\nID=linuxmint\nHOME_URL="https://www.linuxmint.com/"\nSUPPORT_URL="https://forums.linuxmint.com/"\nBUG_REPORT_URL="http://linuxmint-troubleshooting-guide.readthedocs.io/en/latest/"\nPRIVACY_POLICY_URL="https://www.linuxmint.com/"\nID_LIKE=debian\nDEBIAN_CODENAME=bookworm\n';
    expect(await scanOn(await distroOf(lmde))).toEqual({
      found: ['zlib1g via Debian:12'],
      ecosystems: ['Debian:12'],
      warnings: ['linuxmint derives from Debian: its packages were matched against the advisories of Debian 12 (bookworm); packages linuxmint rebuilt or replaced at its own versions may be misjudged'],
    });
  });

  it('derivatives on their own releases (Kali rolling, an Ubuntu derivative naming no Ubuntu release): not matched as Debian, said so', async () => {
    const kali = await scanOn({ id: 'kali', versionId: '2024.1', versionCodename: 'kali-rolling', idLike: 'debian' });
    expect(kali).toEqual({ found: [], ecosystems: [], warnings: ['1 deb package was not checked for vulnerabilities: there is no OSV ecosystem for kali 2024.1 (like debian)'] });
    const mint = await scanOn({ id: 'linuxmint', versionId: '21.3', versionCodename: 'virginia', idLike: 'ubuntu debian' });
    expect(mint).toEqual({ found: [], ecosystems: [], warnings: ['1 deb package was not checked for vulnerabilities: there is no OSV ecosystem for linuxmint 21.3 (like ubuntu debian)'] });
  });

  it('OS packages without os-release, and apk packages of another distribution than Alpine', async () => {
    const none = await scanOn(undefined, [zlib, pkg('deb', 'libc6', '2.36-9', { source: 'glibc' })]);
    expect(none.warnings).toEqual(['2 deb packages were not checked for vulnerabilities: there is no OSV ecosystem for a system without /etc/os-release']);
    const wolfi = await scanOn({ id: 'wolfi', versionId: '20230201' }, [pkg('apk', 'openssl', '3.1.4-r0')]);
    expect(wolfi).toEqual({ found: [], ecosystems: [], warnings: ['1 apk package was not checked for vulnerabilities: there is no OSV ecosystem for wolfi 20230201'] });
  });
});

describe('Ubuntu-based distributions', () => {
  // /etc/os-release as each distribution ships it
  const osRelease: Record<string, string> = {
    'Linux Mint 21.3': 'NAME="Linux Mint"\nVERSION="21.3 (Virginia)"\nID=linuxmint\nID_LIKE="ubuntu debian"\nPRETTY_NAME="Linux Mint 21.3"\nVERSION_ID="21.3"\nHOME_URL="https://www.linuxmint.com/"\nSUPPORT_URL="https://forums.linuxmint.com/"\nBUG_REPORT_URL="http://linuxmint-troubleshooting-guide.readthedocs.io/en/latest/"\nPRIVACY_POLICY_URL="https://www.linuxmint.com/"\nVERSION_CODENAME=virginia\nUBUNTU_CODENAME=jammy\n',
    'Pop!_OS 22.04': 'NAME="Pop!_OS"\nVERSION="22.04 LTS"\nID=pop\nID_LIKE="ubuntu debian"\nPRETTY_NAME="Pop!_OS 22.04 LTS"\nVERSION_ID="22.04"\nHOME_URL="https://pop.system76.com"\nSUPPORT_URL="https://support.system76.com"\nBUG_REPORT_URL="https://github.com/pop-os/pop/issues"\nPRIVACY_POLICY_URL="https://system76.com/privacy"\nVERSION_CODENAME=jammy\nUBUNTU_CODENAME=jammy\nLOGO=distributor-logo-pop-os\n',
    'elementary OS 7.1': 'PRETTY_NAME="elementary OS 7.1 Horus"\nNAME="elementary OS"\nVERSION_ID="7.1"\nVERSION="7.1 Horus"\nVERSION_CODENAME=horus\nID=elementary\nID_LIKE=ubuntu\nHOME_URL="https://elementary.io/"\nSUPPORT_URL="https://elementary.io/support"\nBUG_REPORT_URL="https://github.com/elementary/os/issues/new"\nPRIVACY_POLICY_URL="https://elementary.io/privacy-policy"\nUBUNTU_CODENAME=jammy\n',
    'KDE neon 6.0': 'PRETTY_NAME="KDE neon 6.0"\nNAME="KDE neon"\nVERSION_ID="22.04"\nVERSION="6.0"\nVERSION_CODENAME=jammy\nID=neon\nID_LIKE="ubuntu debian"\nHOME_URL="https://neon.kde.org/"\nSUPPORT_URL="https://neon.kde.org/"\nBUG_REPORT_URL="https://bugs.kde.org/"\nPRIVACY_POLICY_URL="https://kde.org/privacypolicy/"\nUBUNTU_CODENAME=jammy\nLOGO=start-here-kde-neon\n',
    'Linux Mint 22': 'NAME="Linux Mint"\nVERSION="22 (Wilma)"\nID=linuxmint\nID_LIKE="ubuntu debian"\nPRETTY_NAME="Linux Mint 22"\nVERSION_ID="22"\nHOME_URL="https://www.linuxmint.com/"\nSUPPORT_URL="https://forums.linuxmint.com/"\nBUG_REPORT_URL="http://linuxmint-troubleshooting-guide.readthedocs.io/en/latest/"\nPRIVACY_POLICY_URL="https://www.linuxmint.com/"\nVERSION_CODENAME=wilma\nUBUNTU_CODENAME=noble\n',
  };
  // a test record for one source package in two Ubuntu releases
  const record = {
    id: 'TEST-UBUNTU-OPENSSL',
    modified: '2024-01-01T00:00:00Z',
    affected: ['22.04', '24.04'].map((v) => ({ package: { ecosystem: `Ubuntu:${v}:LTS`, name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.2-0ubuntu1.99' }] }] })),
  };
  const scanOn = async (text: string): Promise<DistroScan> => scanWithRecord(record, await distroOf(text), [pkg('deb', 'libssl3', '3.0.2-0ubuntu1.15', { source: 'openssl' })]);

  it.each([
    ['Linux Mint 21.3', 'linuxmint'],
    ['Pop!_OS 22.04', 'pop'],
    ['elementary OS 7.1', 'elementary'],
    ['KDE neon 6.0', 'neon'],
  ])('%s: matched against the Ubuntu release its UBUNTU_CODENAME names, said so', async (name, id) => {
    expect(await scanOn(osRelease[name] ?? '')).toEqual({
      found: ['libssl3 via Ubuntu:22.04:LTS'],
      ecosystems: ['Ubuntu:22.04:LTS'],
      warnings: [`${id} derives from Ubuntu: its packages were matched against the advisories of Ubuntu 22.04 (jammy); packages ${id} rebuilt or replaced at its own versions may be misjudged`],
    });
  });

  it('Linux Mint 22 (noble): Ubuntu 24.04, not 22', async () => {
    const r = await scanOn(osRelease['Linux Mint 22'] ?? '');
    expect(r.ecosystems).toEqual(['Ubuntu:24.04:LTS']);
    expect(r.warnings).toEqual([expect.stringMatching(/^linuxmint derives from Ubuntu: .* Ubuntu 24\.04 \(noble\)/)]);
  });
});

describe('Alpine edge and pre-releases', () => {
  // a test record for one origin package in the v3.20 and v3.21 branches
  const record = {
    id: 'TEST-ALPINE-BUSYBOX',
    modified: '2024-01-01T00:00:00Z',
    affected: ['v3.20', 'v3.21'].map((b) => ({ package: { ecosystem: `Alpine:${b}`, name: 'busybox' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.37.0-r99' }] }] })),
  };
  const scanOn = async (text: string): Promise<DistroScan> => scanWithRecord(record, await distroOf(text), [pkg('apk', 'busybox-binsh', '1.37.0-r0', { origin: 'busybox' })]);
  // /etc/os-release as alpine-release writes it: a release, and edge between 3.20 and 3.21
  const release = (versionId: string, pretty: string): string => `NAME="Alpine Linux"\nID=alpine\nVERSION_ID=${versionId}\nPRETTY_NAME="${pretty}"\nHOME_URL="https://alpinelinux.org/"\nBUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n`;

  it('a release: its branch, nothing to say', async () => {
    expect(await scanOn(release('3.20.3', 'Alpine Linux v3.20'))).toEqual({ found: ['busybox-binsh via Alpine:v3.20'], ecosystems: ['Alpine:v3.20'], warnings: [] });
  });

  it.each(['3.21.0_alpha20240807', '3.21_alpha20240807', '3.21.0_rc1'])('edge or a pre-release (%s): the release it will become, said so', async (versionId) => {
    expect(await scanOn(release(versionId, 'Alpine Linux edge'))).toEqual({
      found: ['busybox-binsh via Alpine:v3.21'],
      ecosystems: ['Alpine:v3.21'],
      warnings: [`Alpine ${versionId} is edge or a pre-release: its packages were matched against the advisories of Alpine v3.21, the release it will become, whose fixed versions may differ from those edge received`],
    });
  });

  it('edge without a numeric version: no ecosystem made up, said so', async () => {
    expect(await scanOn(release('edge', 'Alpine Linux edge'))).toEqual({ found: [], ecosystems: [], warnings: ['1 apk package was not checked for vulnerabilities: there is no OSV ecosystem for alpine edge'] });
    const none = 'NAME="Alpine Linux"\nID=alpine\nPRETTY_NAME="Alpine Linux edge"\n';
    expect(await scanOn(none)).toEqual({ found: [], ecosystems: [], warnings: ['1 apk package was not checked for vulnerabilities: there is no OSV ecosystem for alpine'] });
  });
});
