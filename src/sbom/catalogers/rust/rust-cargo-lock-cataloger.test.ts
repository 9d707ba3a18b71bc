import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaDir, validator } from '../../../../test/support/schemas.js';
import { buildImage, type FileSpec } from '../../../testing/images.js';
import { catalogDirectory, catalogImage } from '../../catalog.js';
import { formats } from '../../formats/index.js';
import type { Package } from '../../model.js';
import { normalizeCargoLicense } from './crate-licenses.js';
import { parseCargoLock } from './rust-cargo-lock-cataloger.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__');
const project = join(fixtures, 'vendored-src');
/** What `cargo metadata` says of each crate's license (vendored-src.sh). */
const truth = JSON.parse(readFileSync(join(fixtures, 'vendored-src.licenses.json'), 'utf8')) as { name: string; version: string; license: string | null; license_file: string | null }[];
const registry = 'root/.cargo/registry/src/index.crates.io-6f17d22bba15001f';

const byName = (packages: Package[]): Record<string, string[]> => Object.fromEntries(packages.map((p) => [p.name, p.licenses]));

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

describe('rust-cargo-lock-cataloger', () => {
  it('lists the crates Cargo.lock pins with the licenses their vendored Cargo.toml declare, as cargo metadata reads them', async () => {
    const sbom = await catalogDirectory(project, { catalogers: ['rust'] });
    expect(sbom.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(truth.map((t) => `${t.name}@${t.version}`));
    // cargo's `license` field as an SPDX expression (the deprecated `/` means OR); a `license-file` classified
    const expected = Object.fromEntries(truth.map((t) => [t.name, t.license ? [normalizeCargoLicense(t.license)] : ['BSD-3-Clause']]));
    expect(truth.find((t) => t.name === 'licfile')?.license_file).toBe('LICENSE.txt');
    expect(byName(sbom.packages)).toEqual(expected);
    expect(expected.tinyfmt).toEqual(['MIT OR Apache-2.0']);
    const evidence = Object.fromEntries(sbom.packages.map((p) => [p.name, p.metadata.licenseEvidence]));
    expect(evidence).toEqual({
      hello: '/Cargo.toml',
      itoa: '/vendor/itoa/Cargo.toml',
      licfile: '/vendor/licfile/LICENSE.txt',
      serde: '/vendor/serde/Cargo.toml',
      serde_derive: '/vendor/serde_derive/Cargo.toml',
      tinyfmt: '/vendor/tinyfmt-0.2.0/Cargo.toml',
    });
    const id = (n: string): string | undefined => sbom.packages.find((p) => p.name === n)?.id;
    expect(sbom.relationships).toContainEqual({ from: id('serde'), to: id('serde_derive'), type: 'depends-on' });
    expect(sbom.relationships.filter((r) => r.from === id('hello'))).toHaveLength(4);
    expect(sbom.packages.find((p) => p.name === 'serde')?.purl).toBe('pkg:cargo/serde@1.0.188');
    expect(sbom.unknowns).toEqual([]);
  });

  it.skipIf(schemaDir === undefined)('prints the licenses in SPDX 2.3 and CycloneDX 1.6 documents that pass the official schemas', async () => {
    const sbom = await catalogDirectory(project, { catalogers: ['rust'] });
    const spdx = JSON.parse(formats['spdx-json'](sbom)) as { packages: { name: string; licenseDeclared: string }[] };
    const validateSpdx = validator('spdx');
    expect(validateSpdx(spdx), JSON.stringify(validateSpdx.errors)).toBe(true);
    expect(spdx.packages.find((p) => p.name === 'serde')?.licenseDeclared).toBe('MIT OR Apache-2.0');
    expect(spdx.packages.find((p) => p.name === 'licfile')?.licenseDeclared).toBe('BSD-3-Clause');
    const validateCdx = validator('cyclonedx');
    const cdx = JSON.parse(formats['cyclonedx-json'](sbom)) as { components: { name: string; licenses?: unknown }[] };
    expect(validateCdx(cdx), JSON.stringify(validateCdx.errors?.slice(0, 3))).toBe(true);
    expect(cdx.components.find((c) => c.name === 'tinyfmt')?.licenses).toEqual([{ expression: 'MIT OR Apache-2.0' }]);
    expect(cdx.components.find((c) => c.name === 'hello')?.licenses).toEqual([{ license: { id: 'Apache-2.0' } }]);
  });

  it('prints Cargo.lock’s dependency edges in both documents: SPDX DEPENDS_ON, CycloneDX dependencies', async () => {
    const sbom = await catalogDirectory(project, { catalogers: ['rust'] });
    const edges = sbom.relationships.filter((r) => r.type === 'depends-on');
    expect(edges.length).toBeGreaterThan(4);
    const spdx = JSON.parse(formats['spdx-json'](sbom)) as { packages: { name: string; SPDXID: string }[]; relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[] };
    const spdxName = new Map(spdx.packages.map((p) => [p.SPDXID, p.name]));
    const named = (from: string, to: string): string => `${spdxName.get(from) ?? from} -> ${spdxName.get(to) ?? to}`;
    const byId = new Map(sbom.packages.map((p) => [p.id, p.name]));
    const expected = edges.map((r) => `${byId.get(r.from) ?? ''} -> ${byId.get(r.to) ?? ''}`).sort();
    // and DEPENDS_ON NONE for each crate that depends on nothing (known: none)
    const none = sbom.packages.filter((p) => !edges.some((r) => r.from === p.id)).map((p) => `${p.name} -> NONE`);
    expect(none).toHaveLength(4);
    // and the described directory on the crate at the top of the graph, as the CycloneDX root
    const top = `${spdx.packages[0]?.name ?? ''} -> hello`;
    expect(spdx.relationships.filter((r) => r.relationshipType === 'DEPENDS_ON').map((r) => named(r.spdxElementId, r.relatedSpdxElement)).sort()).toEqual([...expected, ...none, top].sort());
    expect(expected).toContain('serde -> serde_derive');
    const cdx = JSON.parse(formats['cyclonedx-json'](sbom)) as { components: { name: string; 'bom-ref': string }[]; dependencies: { ref: string; dependsOn: string[] }[] };
    const cdxName = new Map(cdx.components.map((c) => [c['bom-ref'], c.name]));
    const refs = cdx.dependencies.map((d) => d.ref);
    expect(new Set(refs).size).toBe(refs.length);
    expect(cdx.dependencies.slice(1).flatMap((d) => d.dependsOn.map((to) => `${cdxName.get(d.ref) ?? ''} -> ${cdxName.get(to) ?? ''}`)).sort()).toEqual(expected);
  });

  it('gives a cargo-auditable binary’s crates the licenses of a registry cache or vendor directory in the image', async () => {
    const binary = readFileSync(join(fixtures, 'hello'));
    const image = await buildImage({
      layers: [
        [
          { path: 'usr/local/bin/hello', content: binary, mode: 0o755 },
          { path: `${registry}/serde-1.0.188/Cargo.toml`, content: readFileSync(join(project, 'vendor/serde/Cargo.toml')) },
          ...treeSpecs(join(project, 'vendor/itoa'), 'build/app/vendor/itoa'),
        ],
      ],
    });
    const sbom = await catalogImage(image, 'oci:rust', { catalogers: ['rust'] });
    expect(byName(sbom.packages)).toEqual({
      hello: [],
      serde: ['MIT OR Apache-2.0'],
      itoa: ['MIT OR Apache-2.0'],
      // no copy in the image: NOASSERTION
      serde_derive: [],
      'my-git-dep': [],
    });
    expect(sbom.packages.find((p) => p.name === 'serde')?.metadata.licenseEvidence).toBe(`/${registry}/serde-1.0.188/Cargo.toml`);
  });

  it('reads the host’s Cargo home only when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cargo-home-'));
    write(join(dir, 'app'), { 'Cargo.lock': readFileSync(join(project, 'Cargo.lock')) });
    write(join(dir, 'cargo-home'), { [`${registry.slice('root/.cargo/'.length)}/itoa-1.0.9/Cargo.toml`]: readFileSync(join(project, 'vendor/itoa/Cargo.toml')) });
    const without = await catalogDirectory(join(dir, 'app'), { catalogers: ['rust'] });
    expect(without.packages.flatMap((p) => p.licenses)).toEqual([]);
    const withHost = await catalogDirectory(join(dir, 'app'), { catalogers: ['rust'], hostCaches: { cargoHome: join(dir, 'cargo-home') } });
    const itoa = withHost.packages.find((p) => p.name === 'itoa');
    expect(itoa?.licenses).toEqual(['MIT OR Apache-2.0']);
    expect(itoa?.metadata.licenseEvidence).toBe(`host:${join(dir, 'cargo-home', registry.slice('root/.cargo/'.length), 'itoa-1.0.9/Cargo.toml')}`);
    expect(withHost.packages.filter((p) => p.name !== 'itoa').flatMap((p) => p.licenses)).toEqual([]);
    // a crate name from the scanned lock file never leads out of the Cargo home
    write(dir, { 'outside-1.0.0/Cargo.toml': readFileSync(join(project, 'vendor/itoa/Cargo.toml')), 'evil/Cargo.lock': 'version = 3\n[[package]]\nname = "../../../outside"\nversion = "1.0.0"\nsource = "registry+x"\n' });
    const evil = await catalogDirectory(join(dir, 'evil'), { catalogers: ['rust'], hostCaches: { cargoHome: join(dir, 'cargo-home') } });
    expect(evil.packages.map((p) => [p.name, p.licenses])).toEqual([['../../../outside', []]]);
  });

  it('makes a Cargo.lock it cannot read an unknown, and skips lock files that are not a project’s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cargo-lock-'));
    write(dir, {
      'a/Cargo.lock': 'version = 3\n[[package]]\nname = "x"\n',
      'b/Cargo.lock': 'not toml [',
      // the toolchain's rust-src and a cached crate: not projects
      'usr/local/rustup/toolchains/1.75.0-x86_64-unknown-linux-gnu/lib/rustlib/src/rust/Cargo.lock': 'version = 3\n[[package]]\nname = "core"\nversion = "0.0.0"\n',
      'root/.cargo/registry/src/index.crates.io-6f17d22bba15001f/x-1.0.0/Cargo.lock': 'version = 3\n[[package]]\nname = "y"\nversion = "1.0.0"\n',
    });
    const sbom = await catalogDirectory(dir, { catalogers: ['rust'] });
    expect(sbom.packages).toEqual([]);
    expect(sbom.unknowns.map((u) => u.path)).toEqual(['/a/Cargo.lock', '/b/Cargo.lock']);
    // the unknown is located at its path; the message does not repeat it
    expect(sbom.unknowns[0]?.message).toMatch(/^field "package\.0\.version"/);
    expect(sbom.unknowns[1]?.message).toMatch(/^not TOML: /);
    expect(() => parseCargoLock('[[package]]\nname = "x"\nversion = "1"\ndependencies = "y"\n')).toThrow(/^field "package\.0\.dependencies"/);
  });

  it('reads license fields as SPDX expressions', () => {
    expect(normalizeCargoLicense('MIT/Apache-2.0')).toBe('MIT OR Apache-2.0');
    expect(normalizeCargoLicense(' MIT OR Apache-2.0 ')).toBe('MIT OR Apache-2.0');
    expect(normalizeCargoLicense('Apache-2.0 WITH LLVM-exception OR MIT')).toBe('Apache-2.0 WITH LLVM-exception OR MIT');
    // not SPDX either way: kept as written, printed as a LicenseRef
    expect(normalizeCargoLicense('Custom/Other terms')).toBe('Custom/Other terms');
  });
});
