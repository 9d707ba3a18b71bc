import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildImage } from '../../../testing/images.js';
import { expectValid } from '../../../../test/support/schemas.js';
import { catalogImage } from '../../catalog.js';
import { formats } from '../../formats/index.js';
import { apkLicenses } from './apk-db-cataloger.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__');
const db = readFileSync(join(fixtures, 'installed'), 'utf8');
const osRelease = { path: 'etc/os-release', content: readFileSync(join(fixtures, 'os-release')) };

describe('apk-db-cataloger', () => {
  it('reads every record of an Alpine 3.18 installed database with its purl, licenses and files', async () => {
    const image = await buildImage({ layers: [[osRelease, { path: 'lib/apk/db/installed', content: db }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['apk'] });
    expect(sbom.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      'alpine-baselayout@3.4.3-r1', 'alpine-baselayout-data@3.4.3-r1', 'libssl3@3.1.2-r0', 'musl@1.2.4-r1',
      'musl-utils@1.2.4-r1', 'scanelf@1.3.7-r1', 'ssl_client@1.36.1-r2', 'zlib@1.2.13-r1',
    ]);
    const utils = sbom.packages.find((p) => p.name === 'musl-utils');
    expect(utils?.purl).toBe('pkg:apk/alpine/musl-utils@1.2.4-r1?arch=aarch64&distro=alpine-3.18.3&upstream=musl');
    expect(utils?.licenses).toEqual(['MIT AND BSD-2-Clause AND GPL-2.0-or-later']);
    expect(utils?.files).toEqual(['/sbin/ldconfig', '/usr/bin/getconf', '/usr/bin/getent', '/usr/bin/iconv', '/usr/bin/ldd']);
    expect(utils?.metadata).toMatchObject({ architecture: 'aarch64', origin: 'musl', maintainer: 'Timo Teräs <timo.teras@iki.fi>' });
    expect(sbom.packages.find((p) => p.name === 'musl')?.purl).toBe('pkg:apk/alpine/musl@1.2.4-r1?arch=aarch64&distro=alpine-3.18.3');
    expect(sbom.unknowns).toEqual([]);
  });

  it('links D: dependencies to installed packages by name, by what p: provides and by an owned file path', async () => {
    // the fixture lacks busybox (/bin/sh) and libcrypto3 (so:libcrypto.so.3): their dependents are not known
    // (busybox-binsh also says p:/bin/sh; left out, the path still resolves to the package that owns the file)
    const sh = 'P:busybox-binsh\nV:1.36.1-r2\nA:aarch64\nD:so:libc.musl-aarch64.so.1\np:cmd:sh=1.36.1-r2\nF:bin\nR:sh\n';
    const conflict = 'P:odd\nV:1\nA:aarch64\nD:!musl-dev musl>=1.2 cmd:ldd\n';
    const image = await buildImage({ layers: [[osRelease, { path: 'lib/apk/db/installed', content: `${db}${sh}\n${conflict}` }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['apk'] });
    const name = new Map(sbom.packages.map((p) => [p.id, p.name]));
    expect(sbom.relationships.map((r) => `${name.get(r.from) ?? ''} -> ${name.get(r.to) ?? ''}`).sort()).toEqual([
      'alpine-baselayout -> alpine-baselayout-data',
      'alpine-baselayout -> busybox-binsh',
      'busybox-binsh -> musl',
      'libssl3 -> musl',
      'musl-utils -> musl',
      'musl-utils -> scanelf',
      'odd -> musl',
      'odd -> musl-utils',
      'scanelf -> musl',
      'ssl_client -> libssl3',
      'ssl_client -> musl',
      'zlib -> musl',
    ]);
    expect(sbom.packages.filter((p) => p.dependenciesKnown !== true).map((p) => p.name)).toEqual(['libssl3', 'ssl_client']);
  });

  it('takes what /etc/apk/world asks for as explicit: the CycloneDX root depends on it even when another package does', async () => {
    // `apk add alpine-baselayout ssl_client libssl3@main scanelf` by name, tag, version and provided command; a conflict
    // and a name nothing installed has are not packages
    const world = 'alpine-baselayout\nssl_client\nlibssl3@main>=3.1\ncmd:scanelf\n!musl-dev\nbusybox\n';
    const image = await buildImage({ layers: [[osRelease, { path: 'lib/apk/db/installed', content: db }, { path: 'etc/apk/world', content: world }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['apk'] });
    expect(sbom.packages.filter((p) => p.explicit === true).map((p) => p.name)).toEqual(['alpine-baselayout', 'libssl3', 'scanelf', 'ssl_client']);
    const doc = JSON.parse(formats['cyclonedx-json'](sbom)) as { metadata: { component: { 'bom-ref': string } }; components: { name: string; 'bom-ref': string }[]; dependencies: { ref: string; dependsOn: string[] }[] };
    expectValid('cyclonedx', doc);
    const name = new Map(doc.components.map((c) => [c['bom-ref'], c.name]));
    const root = doc.dependencies.find((d) => d.ref === doc.metadata.component['bom-ref'])?.dependsOn.map((to) => name.get(to) ?? to).sort();
    // the top of the graph (alpine-baselayout, musl-utils, ssl_client, zlib), and libssl3 and scanelf, which
    // ssl_client and musl-utils depend on
    expect(root).toEqual(['alpine-baselayout', 'libssl3', 'musl-utils', 'scanelf', 'ssl_client', 'zlib']);
  });

  it('dates a package by the lowest layer holding its files, a file-less one by the database', async () => {
    const meta = 'P:alpine-base\nV:3.18.3-r0\nA:aarch64\nL:MIT\n';
    const image = await buildImage({
      layers: [
        [osRelease, { path: 'lib/ld-musl-aarch64.so.1', content: 'x' }, { path: 'lib/libc.musl-aarch64.so.1', content: 'x' }],
        [{ path: 'usr/bin/scanelf', content: 'x' }],
        [{ path: 'lib/apk/db/installed', content: `${db}${meta}` }],
      ],
    });
    const sbom = await catalogImage(image, 'x', { catalogers: ['apk'] });
    const layerOf = (n: string): number | undefined => sbom.packages.find((p) => p.name === n)?.layer;
    expect(layerOf('musl')).toBe(0);
    expect(layerOf('scanelf')).toBe(1);
    expect(layerOf('alpine-base')).toBe(2);
    expect(layerOf('zlib')).toBe(2); // its files are not in the image: the database is the only evidence
  });

  it('keeps pre-3.9 space-separated license lists one per entry', () => {
    expect(apkLicenses('MIT BSD GPL2+')).toEqual(['MIT', 'BSD', 'GPL2+']);
    expect(apkLicenses('ISC AND (BSD-3-Clause OR MIT)')).toEqual(['ISC AND (BSD-3-Clause OR MIT)']);
    expect(apkLicenses('')).toEqual([]);
    expect(apkLicenses(undefined)).toEqual([]);
  });

  it('turns a record without P: or V: into an unknown and still reads the others', async () => {
    const image = await buildImage({ layers: [[{ path: 'lib/apk/db/installed', content: 'P:broken\nA:x86_64\n\nP:zlib\nV:1.2.13-r1\n\n' }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['apk'] });
    expect(sbom.packages.map((p) => p.name)).toEqual(['zlib']);
    expect(sbom.unknowns).toEqual([{ path: '/lib/apk/db/installed', cataloger: 'apk-db-cataloger', message: 'record without P: or V:' }]);
  });
});
