import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildImage } from '../../../testing/images.js';
import { catalogImage } from '../../catalog.js';
import { parseDepV0 } from './rust-audit-binary-cataloger.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__');
const binary = readFileSync(join(fixtures, 'hello'));
const truth = JSON.parse(readFileSync(join(fixtures, 'dep-v0.json'), 'utf8')) as { packages: { name: string; version: string; kind?: string; dependencies?: number[] }[] };

describe('rust-audit-binary-cataloger', () => {
  it('finds exactly the crates of the .dep-v0 section objcopy added to a rustc binary', async () => {
    const image = await buildImage({ layers: [[{ path: 'usr/local/bin/hello', content: binary, mode: 0o755 }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['rust', 'go'] });
    expect(sbom.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(truth.packages.map((p) => `${p.name}@${p.version}`).sort());
    expect(sbom.packages.every((p) => p.type === 'cargo')).toBe(true);
    expect(sbom.packages.find((p) => p.name === 'serde')?.purl).toBe('pkg:cargo/serde@1.0.188');
    expect(sbom.packages.find((p) => p.name === 'serde_derive')?.metadata.dependencyKind).toBe('build');
    const root = sbom.packages.find((p) => p.metadata.root === true);
    expect(root?.name).toBe('hello');
    expect(root?.files).toEqual(['/usr/local/bin/hello']);
    const edges = truth.packages.reduce((n, p) => n + (p.dependencies?.length ?? 0), 0);
    expect(sbom.relationships).toHaveLength(edges);
    // .dep-v0 names each crate's every dependency: a crate without any is known to depend on nothing
    expect(sbom.packages.every((p) => p.dependenciesKnown === true)).toBe(true);
    expect(sbom.unownedFiles).toEqual([]);
    expect(sbom.unknowns).toEqual([]);
  });

  it('refuses bad sections: not zlib, a bomb, a dangling index', () => {
    expect(() => parseDepV0(Buffer.from('plain'), '/x')).toThrow(/not zlib data/);
    expect(() => parseDepV0(deflateSync(Buffer.alloc(20 * 1024 * 1024, 0x20)), '/x')).toThrow(/not zlib data of at most/);
    expect(() => parseDepV0(deflateSync(Buffer.from('{"packages":[{"name":"a"}]}')), '/x')).toThrow(/\/x \.dep-v0: not a cargo-auditable dependency list: field "packages\.0\.version"/);
  });

  it('makes a dangling dependency index an unknown', async () => {
    // overwrite the fixture's section in place with a shorter stream (zlib ignores the bytes after its end)
    const elfSection = binary.indexOf(deflateSync(Buffer.from(JSON.stringify(truth))));
    expect(elfSection).toBeGreaterThan(0);
    const bad = deflateSync(Buffer.from(JSON.stringify({ packages: [{ name: 'a', version: '1', dependencies: [7] }] })));
    const patched = Buffer.from(binary);
    bad.copy(patched, elfSection);
    const image = await buildImage({ layers: [[{ path: 'bin/x', content: patched, mode: 0o755 }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['rust'] });
    expect(sbom.packages).toEqual([]);
    expect(sbom.unknowns[0]?.message).toMatch(/depends on an index beyond the 1 packages/);
  });
});
