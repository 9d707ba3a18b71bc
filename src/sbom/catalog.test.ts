import { describe, expect, it } from 'vitest';
import { schemaDir, validator } from '../../test/support/schemas.js';
import { buildImage } from '../testing/images.js';
import { catalogImage } from './catalog.js';
import { formats } from './formats/index.js';

if (schemaDir === undefined) console.warn('SKIPPED schema checks: ../shared/schemas is absent');

const status = `Package: base-files
Status: install ok installed
Priority: required
Architecture: amd64
Version: 12.4+deb12u5
Maintainer: Santiago Vila <sanvila@debian.org>
Description: Debian base system miscellaneous files

Package: libc6
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries
 Contains the standard libraries.

Package: gone
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1
`;

const copyright = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: glibc

Files: *
Copyright: 1991-2023 Free Software Foundation, Inc.
License: LGPL-2.1+

Files: debian/*
License: GPL-2+
`;

async function fixture() {
  return buildImage({
    layers: [
      {
        createdBy: 'debian base',
        files: [
          { path: 'etc/os-release', content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' },
          { path: 'var/lib/dpkg/status', content: status },
          { path: 'var/lib/dpkg/info/base-files.list', content: '/.\n/etc\n/etc/debian_version\n' },
          { path: 'var/lib/dpkg/info/libc6:amd64.list', content: '/.\n/usr\n/usr/lib/x86_64-linux-gnu/libc.so.6\n/lib64/ld-linux-x86-64.so.2\n' },
          { path: 'etc/debian_version', content: '12.4\n' },
          { path: 'usr/lib/x86_64-linux-gnu/libc.so.6', size: 100, seed: 'libc' },
          { path: 'usr/lib64/ld-linux-x86-64.so.2', size: 10, seed: 'ld' },
          { path: 'lib64', type: 'symlink', target: 'usr/lib64' },
          { path: 'usr/share/doc/libc6/copyright', content: copyright },
          { path: 'usr/local/bin/stray', content: 'x' },
        ],
      },
      {
        createdBy: 'COPY app',
        files: [
          { path: 'app/package.json', content: JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { ms: '2.1.3' } }) },
          { path: 'app/node_modules/ms/package.json', content: JSON.stringify({ name: 'ms', version: '2.1.3', license: 'MIT' }) },
          { path: 'app/node_modules/ms/index.js', content: 'module.exports = 1' },
          { path: 'app/node_modules/@scope/pkg/package.json', content: JSON.stringify({ name: '@scope/pkg', version: '0.1.0', license: { type: 'ISC' } }) },
          { path: 'app/node_modules/broken/package.json', content: '{ not json' },
          { path: 'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n\nbody\n' },
          { path: 'usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD', content: 'six.py,sha256=x,1\nsix-1.16.0.dist-info/METADATA,,\n' },
          { path: 'usr/lib/python3/dist-packages/six.py', content: '# six' },
        ],
      },
    ],
    config: { User: '65532' },
  });
}

describe('catalogImage', () => {
  it('finds dpkg, npm and python packages with layers, files, licenses and purls', async () => {
    const sbom = await catalogImage(await fixture(), 'oci:test');
    const names = sbom.packages.map((p) => `${p.type}:${p.name}@${p.version}`);
    expect(names).toEqual(['deb:base-files@12.4+deb12u5', 'deb:libc6@2.36-9+deb12u4', 'npm:@scope/pkg@0.1.0', 'npm:ms@2.1.3', 'pypi:six@1.16.0']);
    const libc = sbom.packages.find((p) => p.name === 'libc6');
    expect(libc?.purl).toBe('pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc');
    expect(libc?.licenses).toEqual(['GPL-2+', 'LGPL-2.1+']);
    expect(libc?.layer).toBe(0);
    expect(libc?.metadata.source).toBe('glibc');
    const ms = sbom.packages.find((p) => p.name === 'ms');
    expect(ms?.layer).toBe(1);
    expect(ms?.licenses).toEqual(['MIT']);
    expect(ms?.files).toEqual(['/app/node_modules/ms/index.js', '/app/node_modules/ms/package.json']);
    expect(sbom.packages.find((p) => p.name === '@scope/pkg')?.purl).toBe('pkg:npm/%40scope/pkg@0.1.0');
    expect(sbom.packages.find((p) => p.name === 'six')?.files).toContain('/usr/lib/python3/dist-packages/six.py');
    expect(sbom.source.distro).toEqual({ id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
  });

  it('turns a broken file into an unknown instead of failing', async () => {
    const sbom = await catalogImage(await fixture(), 'oci:test');
    expect(sbom.unknowns).toHaveLength(1);
    expect(sbom.unknowns[0]?.path).toBe('/app/node_modules/broken/package.json');
    expect(sbom.unknowns[0]?.cataloger).toBe('npm-package-cataloger');
  });

  it('reports files owned by no package, resolving owned paths through symlinks', async () => {
    const sbom = await catalogImage(await fixture(), 'oci:test');
    expect(sbom.unownedFiles).toContain('/usr/local/bin/stray');
    expect(sbom.unownedFiles).toContain('/app/package.json');
    expect(sbom.unownedFiles).not.toContain('/usr/lib64/ld-linux-x86-64.so.2'); // listed as /lib64/… through the symlink
    expect(sbom.unownedFiles).not.toContain('/etc/debian_version');
  });

  it('is byte-identical for the same image', async () => {
    const a = await catalogImage(await fixture(), 'oci:test');
    const b = await catalogImage(await fixture(), 'oci:test');
    for (const format of Object.values(formats)) expect(format(a)).toBe(format(b));
  });

  it('writes distroless status.d entries too', async () => {
    const image = await buildImage({
      layers: [
        [
          { path: 'var/lib/dpkg/status.d/tzdata', content: 'Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n' },
          { path: 'var/lib/dpkg/status.d/tzdata.md5sums', content: 'd41d8cd98f00b204e9800998ecf8427e  usr/share/zoneinfo/UTC\n' },
          { path: 'usr/share/zoneinfo/UTC', content: 'TZif' },
        ],
      ],
    });
    const sbom = await catalogImage(image, 'x');
    expect(sbom.packages.map((p) => p.name)).toEqual(['tzdata']);
    expect(sbom.packages[0]?.files).toEqual(['/usr/share/zoneinfo/UTC']);
    expect(sbom.unownedFiles).toEqual([]);
  });
});

describe('the distribution, from os-release', () => {
  const distroOf = async (files: { path: string; content: string }[]): Promise<unknown> => (await catalogImage(await buildImage({ layers: [files] }), 'distro')).source.distro;

  it('keeps the codename and ID_LIKE beside ID and VERSION_ID', async () => {
    const raspbian = 'PRETTY_NAME="Raspbian GNU/Linux 12 (bookworm)"\nID=raspbian\nID_LIKE=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';
    expect(await distroOf([{ path: 'etc/os-release', content: raspbian }])).toEqual({ id: 'raspbian', idLike: 'debian', versionId: '12', versionCodename: 'bookworm', prettyName: 'Raspbian GNU/Linux 12 (bookworm)' });
  });

  it('keeps UBUNTU_CODENAME, the Ubuntu release an Ubuntu-based distribution is built on', async () => {
    const mint = 'NAME="Linux Mint"\nVERSION="21.3 (Virginia)"\nID=linuxmint\nID_LIKE="ubuntu debian"\nPRETTY_NAME="Linux Mint 21.3"\nVERSION_ID="21.3"\nVERSION_CODENAME=virginia\nUBUNTU_CODENAME=jammy\n';
    expect(await distroOf([{ path: 'etc/os-release', content: mint }])).toEqual({ id: 'linuxmint', idLike: 'ubuntu debian', versionId: '21.3', versionCodename: 'virginia', ubuntuCodename: 'jammy', prettyName: 'Linux Mint 21.3' });
  });

  it('keeps DEBIAN_CODENAME, the Debian release a Debian-based distribution is built on', async () => {
    const lmde = 'PRETTY_NAME="LMDE 6 (faye)"\nNAME="LMDE"\nVERSION_ID="6"\nVERSION_CODENAME=faye\nID=linuxmint\nID_LIKE=debian\nDEBIAN_CODENAME=bookworm\n';
    expect(await distroOf([{ path: 'etc/os-release', content: lmde }])).toEqual({ id: 'linuxmint', idLike: 'debian', versionId: '6', versionCodename: 'faye', debianCodename: 'bookworm', prettyName: 'LMDE 6 (faye)' });
  });

  it('Debian testing and unstable: no VERSION_ID; the codename from os-release, else from /etc/debian_version', async () => {
    // os-release as base-files writes it on testing and unstable
    const testing = 'PRETTY_NAME="Debian GNU/Linux trixie/sid"\nNAME="Debian GNU/Linux"\nVERSION_CODENAME=trixie\nID=debian\n';
    expect(await distroOf([{ path: 'etc/os-release', content: testing }])).toEqual({ id: 'debian', versionCodename: 'trixie', prettyName: 'Debian GNU/Linux trixie/sid' });
    const older = 'PRETTY_NAME="Debian GNU/Linux bookworm/sid"\nNAME="Debian GNU/Linux"\nID=debian\n';
    expect(await distroOf([{ path: 'etc/os-release', content: older }, { path: 'etc/debian_version', content: 'bookworm/sid\n' }])).toEqual({ id: 'debian', versionCodename: 'bookworm', prettyName: 'Debian GNU/Linux bookworm/sid' });
  });
});

describe('dpkg status and status.d together', () => {
  it('counts a package both list once, with the evidence of both', async () => {
    const para = 'Package: tzdata\nStatus: install ok installed\nVersion: 2024a-0+deb12u1\nArchitecture: all\n';
    const image = await buildImage({
      layers: [[{ path: 'var/lib/dpkg/status.d/tzdata', content: para }, { path: 'var/lib/dpkg/status.d/tzdata.md5sums', content: 'd41d8cd98f00b204e9800998ecf8427e  usr/share/zoneinfo/UTC\n' }, { path: 'usr/share/zoneinfo/UTC', content: 'TZif' }], [{ path: 'var/lib/dpkg/status', content: para }]],
    });
    const sbom = await catalogImage(image, 'x', { catalogers: ['dpkg'] });
    expect(sbom.packages).toHaveLength(1);
    expect(sbom.packages[0]?.locations).toEqual(['/var/lib/dpkg/status', '/var/lib/dpkg/status.d/tzdata', '/var/lib/dpkg/status.d/tzdata.md5sums']);
    expect(sbom.packages[0]?.files).toEqual(['/usr/share/zoneinfo/UTC']);
  });

  it('numbers each location in CycloneDX properties, as syft numbers syft:location:N:path', async () => {
    const para = 'Package: tzdata\nStatus: install ok installed\nVersion: 2024a-0+deb12u1\nArchitecture: all\n';
    const image = await buildImage({ layers: [[{ path: 'var/lib/dpkg/status.d/tzdata', content: para }], [{ path: 'var/lib/dpkg/status', content: para }]] });
    const doc = JSON.parse(formats['cyclonedx-json'](await catalogImage(image, 'x', { catalogers: ['dpkg'] }))) as { components: { properties: { name: string; value: string }[] }[] };
    const locations = doc.components[0]?.properties.filter((p) => p.name.startsWith('shipshape:location:'));
    expect(locations).toEqual([
      { name: 'shipshape:location:0:path', value: '/var/lib/dpkg/status' },
      { name: 'shipshape:location:1:path', value: '/var/lib/dpkg/status.d/tzdata' },
    ]);
  });
});

describe('an npm lockfile with odd entries', () => {
  it('reports each odd entry as an unknown naming its field and still lists the others', async () => {
    const lock = { lockfileVersion: 3, packages: { '': { name: 'app' }, 'node_modules/ms': { version: '2.1.3', license: 'MIT' }, 'node_modules/gone': null, 'node_modules/odd': { version: { major: 1 } }, 'node_modules/left-pad': { version: '1.3.0' } } };
    const image = await buildImage({ layers: [[{ path: 'app/package-lock.json', content: JSON.stringify(lock) }, { path: 'other/package-lock.json', content: 'null' }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['npm'] });
    expect(sbom.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['left-pad@1.3.0', 'ms@2.1.3']);
    expect(sbom.unknowns.map((u) => `${u.path}: ${u.message}`)).toEqual([
      '/app/package-lock.json: field "packages.node_modules/gone": Invalid input: expected object, received null',
      '/app/package-lock.json: field "packages.node_modules/odd.version": Invalid input: expected string, received object',
      '/other/package-lock.json: field "(root)": Invalid input: expected object, received null',
    ]);
  });
});

describe('a dpkg database with broken paragraphs', () => {
  it('reports each broken paragraph as an unknown and still lists the packages of the others', async () => {
    const status = [
      'Package: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u5\nArchitecture: amd64\n',
      'Package: broken\nthis line is not a field\nVersion: 1.0\n',
      'Status: install ok installed\nVersion: 2.0\n',
      'Package: libc6\nStatus: install ok installed\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\n',
    ].join('\n');
    const image = await buildImage({ layers: [[{ path: 'var/lib/dpkg/status', content: status }, { path: 'var/lib/dpkg/status.d/tzdata', content: 'Package: tzdata\nVersion 2024a\n' }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['dpkg'] });
    expect(sbom.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['base-files@12.4+deb12u5', 'libc6@2.36-9+deb12u4']);
    expect(sbom.unknowns).toEqual([
      { path: '/var/lib/dpkg/status', cataloger: 'dpkg-db-cataloger', message: 'paragraph at line 10 without Package or Version' },
      { path: '/var/lib/dpkg/status', cataloger: 'dpkg-db-cataloger', message: 'paragraph at line 6: malformed control line 7: "this line is not a field"' },
      { path: '/var/lib/dpkg/status.d/tzdata', cataloger: 'dpkg-db-cataloger', message: 'paragraph at line 1: malformed control line 2: "Version 2024a"' },
    ]);
  });
});

describe.skipIf(schemaDir === undefined)('formats are valid against the official schemas', () => {

  it('SPDX 2.3', async () => {
    const validate = validator('spdx');
    const doc = JSON.parse(formats['spdx-json'](await catalogImage(await fixture(), 'oci:test')));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect((doc.hasExtractedLicensingInfos as { licenseId: string }[]).map((l) => l.licenseId)).toEqual(['LicenseRef-GPL-2plus']);
  });

  it('CycloneDX 1.6', async () => {
    const validate = validator('cyclonedx');
    const doc = JSON.parse(formats['cyclonedx-json'](await catalogImage(await fixture(), 'oci:test')));
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect((doc.components as { name: string; licenses: unknown }[]).find((c) => c.name === "ms")?.licenses).toEqual([{ license: { id: 'MIT' } }]);
  });

  it('CycloneDX 1.6: a license id is one of the SPDX License List, an id with + or a LicenseRef is a name or the expression', async () => {
    const validate = validator('cyclonedx');
    const sbom = await catalogImage(await fixture(), 'oci:test');
    // Debian's copyright files name GFDL-1.2+ (libunistring2) and MPL-2.0+: valid SPDX expressions, not license ids
    const base = sbom.packages[0];
    if (base === undefined) throw new Error('the fixture has packages');
    const licensed = (name: string, licenses: string[]) => ({ ...base, id: `id-${name}`, name, licenses });
    sbom.packages = [
      licensed('several', ['GFDL-1.2+', 'LGPL-2.1+', 'LicenseRef-x', 'MIT']),
      licensed('plus', ['GFDL-1.2+']),
      licensed('ref', ['LicenseRef-x']),
    ];
    const doc = JSON.parse(formats['cyclonedx-json'](sbom));
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect((doc.components as { name: string; licenses: unknown }[]).map((c) => [c.name, c.licenses])).toEqual([
      ['several', [{ license: { name: 'GFDL-1.2+' } }, { license: { id: 'LGPL-2.1+' } }, { license: { name: 'LicenseRef-x' } }, { license: { id: 'MIT' } }]],
      ['plus', [{ expression: 'GFDL-1.2+' }]],
      ['ref', [{ expression: 'LicenseRef-x' }]],
    ]);
  });
});
