import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaDir, validator } from '../../../../test/support/schemas.js';
import { buildImage, type FileSpec } from '../../../testing/images.js';
import { catalogDirectory, catalogImage } from '../../catalog.js';
import { formats } from '../../formats/index.js';
import type { Package } from '../../model.js';
import { escapeModulePath, isSafeModulePath, parseVendorModules } from './go-licenses.js';
import { parseGoMod, parseGoSum } from './go-module-file-cataloger.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__');
const helloSrc = join(fixtures, 'hello-src');
const mit = readFileSync(join(helloSrc, 'vendor/github.com/example/greeting/LICENSE'));

const byName = (packages: Package[]): Record<string, { version: string; licenses: string[]; evidence: unknown }> =>
  Object.fromEntries(packages.map((p) => [p.name, { version: p.version, licenses: p.licenses, evidence: p.metadata.licenseEvidence }]));

/** Every file of a directory as image layer entries under `prefix`. */
function treeSpecs(dir: string, prefix: string): FileSpec[] {
  const out: FileSpec[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: join(prefix, relative(dir, p)), content: readFileSync(p) });
    }
  };
  walk(dir);
  return out;
}

function write(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

describe('go-module-file-cataloger', () => {
  it('lists the modules go.mod requires, with the licenses of their vendored copies', async () => {
    const sbom = await catalogDirectory(helloSrc, { catalogers: ['go'] });
    expect(byName(sbom.packages)).toEqual({
      'github.com/example/greeting': { version: 'v1.2.3', licenses: ['MIT'], evidence: '/vendor/github.com/example/greeting/LICENSE' },
      'golang.org/x/shout': { version: 'v0.0.0-20230102030405-0123456789ab', licenses: ['BSD-3-Clause'], evidence: '/vendor/golang.org/x/shout/LICENSE' },
      // replaced by ./local, vendored from there
      'example.com/local': { version: 'v0.1.0', licenses: ['ISC'], evidence: '/vendor/example.com/local/LICENSE' },
    });
    const local = sbom.packages.find((p) => p.name === 'example.com/local');
    expect(local?.metadata).toMatchObject({ replacedBy: './local', requiredBy: 'example.com/hello', indirect: false });
    expect(local?.foundBy).toBe('go-module-file-cataloger');
    expect(sbom.packages.every((p) => p.locations[0] === '/go.mod')).toBe(true);
    expect(sbom.packages.find((p) => p.name === 'golang.org/x/shout')?.purl).toBe('pkg:golang/golang.org/x/shout@v0.0.0-20230102030405-0123456789ab');
    expect(sbom.unknowns).toEqual([]);
  });

  it.skipIf(schemaDir === undefined)('prints the licenses in SPDX 2.3 and CycloneDX 1.6 documents that pass the official schemas', async () => {
    const sbom = await catalogDirectory(helloSrc, { catalogers: ['go'] });
    const spdx = JSON.parse(formats['spdx-json'](sbom)) as { packages: { name: string; licenseDeclared: string }[] };
    const validateSpdx = validator('spdx');
    expect(validateSpdx(spdx), JSON.stringify(validateSpdx.errors)).toBe(true);
    expect(Object.fromEntries(spdx.packages.map((p) => [p.name, p.licenseDeclared]))).toMatchObject({
      'github.com/example/greeting': 'MIT',
      'golang.org/x/shout': 'BSD-3-Clause',
      'example.com/local': 'ISC',
    });
    const validateCdx = validator('cyclonedx');
    const cdx = JSON.parse(formats['cyclonedx-json'](sbom)) as { components: { name: string; licenses?: unknown }[] };
    expect(validateCdx(cdx), JSON.stringify(validateCdx.errors?.slice(0, 3))).toBe(true);
    expect(cdx.components.find((c) => c.name === 'github.com/example/greeting')?.licenses).toEqual([{ license: { id: 'MIT' } }]);
    expect(cdx.components.find((c) => c.name === 'golang.org/x/shout')?.licenses).toEqual([{ license: { id: 'BSD-3-Clause' } }]);
  });

  it('reads module caches in the tree (case-escaped paths) and, only when asked, the host’s', async () => {
    const project = mkdtempSync(join(tmpdir(), 'go-modcache-'));
    const cache = {
      'github.com/!burnt!sushi/toml@v1.3.2/LICENSE': mit,
      'github.com/!burnt!sushi/toml@v1.3.2/go.mod': 'module github.com/BurntSushi/toml\n',
      'example.org/!custom@v0.1.0-!r!c1/LICENSE': 'Use it however you like, but tell nobody.\n',
      // a module whose path differs only in case is a different module
      'github.com/burntsushi/toml@v1.3.2/LICENSE': readFileSync(join(helloSrc, 'local/LICENSE')),
    };
    const goMod = 'module example.com/app\n\ngo 1.19\n\nrequire (\n\tgithub.com/BurntSushi/toml v1.3.2\n\texample.org/Custom v0.1.0-RC1 // indirect\n\texample.org/none v1.0.0\n)\n';
    write(join(project, 'in-tree'), { 'src/go.mod': goMod, ...Object.fromEntries(Object.entries(cache).map(([k, v]) => [`root/go/pkg/mod/${k}`, v])) });
    const inTree = await catalogDirectory(join(project, 'in-tree'), { catalogers: ['go'] });
    expect(byName(inTree.packages)).toEqual({
      'github.com/BurntSushi/toml': { version: 'v1.3.2', licenses: ['MIT'], evidence: '/root/go/pkg/mod/github.com/!burnt!sushi/toml@v1.3.2/LICENSE' },
      'example.org/Custom': { version: 'v0.1.0-RC1', licenses: [], evidence: undefined },
      'example.org/none': { version: 'v1.0.0', licenses: [], evidence: undefined },
    });
    // the go.mod inside the cache belongs to a dependency, not to a project
    expect(inTree.packages.every((p) => p.locations[0] === '/src/go.mod')).toBe(true);

    write(join(project, 'source'), { 'go.mod': goMod });
    write(join(project, 'host-cache'), cache);
    const without = await catalogDirectory(join(project, 'source'), { catalogers: ['go'] });
    expect(without.packages.flatMap((p) => p.licenses)).toEqual([]);
    const withHost = await catalogDirectory(join(project, 'source'), { catalogers: ['go'], hostCaches: { goModCache: join(project, 'host-cache') } });
    const toml = withHost.packages.find((p) => p.name === 'github.com/BurntSushi/toml');
    expect(toml?.licenses).toEqual(['MIT']);
    expect(toml?.metadata.licenseEvidence).toBe(`host:${join(project, 'host-cache/github.com/!burnt!sushi/toml@v1.3.2/LICENSE')}`);
  });

  it('gives a binary’s modules the licenses of a vendor directory that lists them, and stdlib BSD-3-Clause', async () => {
    const binary = readFileSync(join(fixtures, 'hello'));
    const image = await buildImage({ layers: [[{ path: 'usr/local/bin/hello', content: binary, mode: 0o755 }, ...treeSpecs(join(helloSrc, 'vendor'), 'src/hello/vendor')]] });
    const sbom = await catalogImage(image, 'oci:go', { catalogers: ['go'] });
    const fromBinary = sbom.packages.filter((p) => p.foundBy === 'go-module-binary-cataloger');
    expect(byName(fromBinary)).toEqual({
      'example.com/hello': { version: '(devel)', licenses: [], evidence: undefined },
      'github.com/example/greeting': { version: 'v1.2.3', licenses: ['MIT'], evidence: '/src/hello/vendor/github.com/example/greeting/LICENSE' },
      'golang.org/x/shout': { version: 'v0.0.0-20230102030405-0123456789ab', licenses: ['BSD-3-Clause'], evidence: '/src/hello/vendor/golang.org/x/shout/LICENSE' },
      'example.com/local': { version: 'v0.1.0', licenses: ['ISC'], evidence: '/src/hello/vendor/example.com/local/LICENSE' },
      stdlib: { version: '1.19.8', licenses: ['BSD-3-Clause'], evidence: undefined },
    });
    // without module sources the same binary's modules have no license: NOASSERTION, not a guess
    const bare = await catalogImage(await buildImage({ layers: [[{ path: 'usr/local/bin/hello', content: binary, mode: 0o755 }]] }), 'oci:go', { catalogers: ['go'] });
    expect(bare.packages.filter((p) => p.name !== 'stdlib').flatMap((p) => p.licenses)).toEqual([]);
  });

  it('never lets a module path from a scanned go.mod name a host directory outside the module cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'go-escape-'));
    write(dir, { 'outside@v1.0.0/LICENSE': mit, 'cache/.keep': '', 'app/go.mod': 'module x\nrequire ../outside v1.0.0\n' });
    const sbom = await catalogDirectory(join(dir, 'app'), { catalogers: ['go'], hostCaches: { goModCache: join(dir, 'cache') } });
    expect(sbom.packages.map((p) => [p.name, p.licenses])).toEqual([['../outside', []]]);
    expect(isSafeModulePath('github.com/BurntSushi/toml')).toBe(true);
    for (const bad of ['../x', 'a/../../b', '/etc', 'a//b', 'a\\b', './a']) expect(isSafeModulePath(bad), bad).toBe(false);
  });

  it('escapes module paths and versions as the module cache does', () => {
    expect(escapeModulePath('github.com/BurntSushi/toml')).toBe('github.com/!burnt!sushi/toml');
    expect(escapeModulePath('github.com/Azure/azure-sdk-for-go')).toBe('github.com/!azure/azure-sdk-for-go');
    expect(escapeModulePath('v1.0.0-RC1')).toBe('v1.0.0-!r!c1');
    expect(escapeModulePath('golang.org/x/sys')).toBe('golang.org/x/sys');
  });

  it('parses go.mod directives, go.sum lines and vendor/modules.txt', () => {
    const mod = parseGoMod(
      [
        'module "example.com/app" // the app',
        'go 1.21',
        'require example.com/one v1.0.0',
        'require (',
        '\texample.com/two v2.1.0+incompatible // indirect',
        '\t"example.com/three" v0.0.0-20230101000000-abcdefabcdef',
        ')',
        'replace example.com/one => ../one',
        'replace (',
        '\texample.com/two v2.1.0+incompatible => example.com/fork v2.2.0',
        ')',
        'exclude example.com/four v1.0.0',
        '',
      ].join('\n'),
    );
    expect(mod.module).toBe('example.com/app');
    expect(mod.requires).toEqual([
      { path: 'example.com/one', version: 'v1.0.0', indirect: false },
      { path: 'example.com/two', version: 'v2.1.0+incompatible', indirect: true },
      { path: 'example.com/three', version: 'v0.0.0-20230101000000-abcdefabcdef', indirect: false },
    ]);
    expect(mod.replaces).toEqual([
      { from: { path: 'example.com/one' }, to: { path: '../one' } },
      { from: { path: 'example.com/two', version: 'v2.1.0+incompatible' }, to: { path: 'example.com/fork', version: 'v2.2.0' } },
    ]);
    expect(() => parseGoMod('require example.com/x\n')).toThrow(/go.mod line 1: a requirement without/);
    const sums = parseGoSum('example.com/one v1.0.0 h1:abc=\nexample.com/one v1.0.0/go.mod h1:def=\n');
    expect([...sums]).toEqual([['example.com/one@v1.0.0', 'h1:abc=']]);
    expect(parseVendorModules(readFileSync(join(helloSrc, 'vendor/modules.txt'), 'utf8'))).toEqual([
      { path: 'example.com/local', version: 'v0.1.0' },
      { path: 'github.com/example/greeting', version: 'v1.2.3' },
      { path: 'golang.org/x/shout', version: 'v0.0.0-20230102030405-0123456789ab' },
    ]);
  });

  it('makes a go.mod it cannot read an unknown, takes go.sum digests and skips GOROOT’s own modules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'go-mod-'));
    write(dir, {
      'bad/go.mod': 'module x\nrequire (\n\texample.com/y\n)\n',
      'good/go.mod': 'module x\nrequire example.com/y v1.0.0\n',
      'good/go.sum': 'example.com/y v1.0.0 h1:Zm9v=\nexample.com/y v1.0.0/go.mod h1:YmFy=\n',
      // a Go toolchain's GOROOT: its modules are the standard library and the go command, not a project
      'usr/lib/go-1.19/src/go.mod': 'module std\n\ngo 1.19\n\nrequire golang.org/x/crypto v0.0.0-20220516162934-403b01795ae8\n',
      'usr/lib/go-1.19/src/cmd/go.mod': 'module cmd\n\ngo 1.19\n\nrequire golang.org/x/mod v0.6.0-dev.0.20220419223038-86c51ed26bb4\n',
    });
    cpSync(join(helloSrc, 'vendor/modules.txt'), join(dir, 'good/vendor/modules.txt'));
    const sbom = await catalogDirectory(dir, { catalogers: ['go'] });
    expect(sbom.unknowns).toEqual([{ path: '/bad/go.mod', cataloger: 'go-module-file-cataloger', message: 'go.mod line 3: a requirement without a module path and version' }]);
    expect(sbom.packages.map((p) => [p.name, p.metadata.h1Digest])).toEqual([['example.com/y', 'h1:Zm9v=']]);
  });
});
