import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from './db/database.js';
import { importOsv } from './db/import.js';
import { type ScanInput, type ScanPackage, scanSbom } from './match.js';

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
