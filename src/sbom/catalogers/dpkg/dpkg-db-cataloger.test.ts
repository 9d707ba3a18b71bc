import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectValid } from '../../../../test/support/schemas.js';
import { buildImage } from '../../../testing/images.js';
import { catalogImage } from '../../catalog.js';
import { formats } from '../../formats/index.js';
import type { Sbom } from '../../model.js';
import { parseRelations } from './depends.js';

const paragraph = (name: string, fields: string): string => `Package: ${name}\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: amd64\n${fields}`;

// Shaped on Debian 12: libc6 and libgcc-s1 name each other; bash lacks debianutils here; mawk provides awk
const status = [
  paragraph('base-files', ''),
  paragraph('gcc-12-base', 'Multi-Arch: same\n'),
  paragraph('libc6', 'Depends: libgcc-s1\n'),
  paragraph('libgcc-s1', 'Depends: gcc-12-base (= 12.2.0-14), libc6 (>= 2.35)\n'),
  paragraph('bash', 'Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)\nDepends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)\n'),
  paragraph('libtinfo6', 'Depends: libc6 (>= 2.34)\n'),
  paragraph('mawk', 'Provides: awk\nPre-Depends: libc6 (>= 2.34)\n'),
  paragraph('app', 'Depends: gawk | awk, libc6:any, python3:any (>= 3.11) | mawk\n'),
  'Package: removed\nStatus: deinstall ok config-files\nVersion: 1\nArchitecture: amd64\n',
  paragraph('needs-removed', 'Depends: removed\n'),
].join('\n');

const fixtures = resolve(import.meta.dirname, '__fixtures__');

/** The CycloneDX root's dependencies by package name, sorted; the document is checked against the schema. */
function rootDependencies(sbom: Sbom): string[] {
  const doc = JSON.parse(formats['cyclonedx-json'](sbom)) as { metadata: { component: { 'bom-ref': string } }; components: { name: string; 'bom-ref': string }[]; dependencies: { ref: string; dependsOn: string[] }[] };
  expectValid('cyclonedx', doc);
  const name = new Map(doc.components.map((c) => [c['bom-ref'], c.name]));
  const root = doc.dependencies.find((d) => d.ref === doc.metadata.component['bom-ref']);
  return (root?.dependsOn ?? []).map((to) => name.get(to) ?? to).sort();
}

function graph(sbom: Sbom): Record<string, string[]> {
  const name = new Map(sbom.packages.map((p) => [p.id, p.name]));
  const out: Record<string, string[]> = {};
  for (const r of sbom.relationships) (out[name.get(r.from) ?? r.from] ??= []).push(name.get(r.to) ?? r.to);
  for (const list of Object.values(out)) list.sort();
  return out;
}

describe('dpkg-db-cataloger dependencies', () => {
  it('links Depends and Pre-Depends to the installed packages, through alternatives, Provides and :any', async () => {
    const image = await buildImage({ layers: [[{ path: 'var/lib/dpkg/status', content: status }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['dpkg'] });
    expect(graph(sbom)).toEqual({
      app: ['libc6', 'mawk'],
      bash: ['base-files', 'libc6', 'libtinfo6'],
      libc6: ['libgcc-s1'],
      'libgcc-s1': ['gcc-12-base', 'libc6'],
      libtinfo6: ['libc6'],
      mawk: ['libc6'],
    });
    // known: every clause resolved (or none); bash needs debianutils and needs-removed a package only configured
    const known = sbom.packages.filter((p) => p.dependenciesKnown === true).map((p) => p.name);
    expect(known).toEqual(['app', 'base-files', 'gcc-12-base', 'libc6', 'libgcc-s1', 'libtinfo6', 'mawk']);
  });

  it('prints the graph in CycloneDX: the root on what nothing depends on, [] for a package without Depends', async () => {
    const image = await buildImage({ layers: [[{ path: 'var/lib/dpkg/status', content: status }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['dpkg'] });
    const doc = JSON.parse(formats['cyclonedx-json'](sbom)) as { components: { name: string; 'bom-ref': string }[]; dependencies: { ref: string; dependsOn: string[] }[] };
    expectValid('cyclonedx', doc);
    const name = new Map(doc.components.map((c) => [c['bom-ref'], c.name]));
    const entries = Object.fromEntries(doc.dependencies.map((d) => [name.get(d.ref) ?? 'root', d.dependsOn.map((to) => name.get(to) ?? to).sort()]));
    expect(entries).toEqual({
      root: ['app', 'bash', 'needs-removed'],
      app: ['libc6', 'mawk'],
      'base-files': [],
      bash: ['base-files', 'libc6', 'libtinfo6'],
      'gcc-12-base': [],
      libc6: ['libgcc-s1'],
      'libgcc-s1': ['gcc-12-base', 'libc6'],
      libtinfo6: ['libc6'],
      mawk: ['libc6'],
    });
  });

  it('reads the clauses of a relationship field as Debian Policy §7.1 writes them', () => {
    expect(parseRelations('libc6 (>= 2.34), libgcc-s1 | libgcc1, python3:any (>= 3.11~), foo [amd64] <!nocheck>')).toEqual([
      [{ name: 'libc6' }],
      [{ name: 'libgcc-s1' }, { name: 'libgcc1' }],
      [{ name: 'python3', arch: 'any' }],
      [{ name: 'foo' }],
    ]);
    expect(parseRelations(undefined)).toEqual([]);
    expect(parseRelations('')).toEqual([]);
  });

  it('takes what apt-mark shows as manual for explicit: the root depends on it even when another package does', async () => {
    // real Debian 12 paragraphs and apt's own extended_states (see __fixtures__/README.md)
    const status = { path: 'var/lib/dpkg/status', content: readFileSync(join(fixtures, 'status')) };
    const states = { path: 'var/lib/apt/extended_states', content: readFileSync(join(fixtures, 'extended_states')) };
    const manual = readFileSync(join(fixtures, 'showmanual.txt'), 'utf8').trim().split('\n').sort();
    const sbom = await catalogImage(await buildImage({ layers: [[status], [states]] }), 'x', { catalogers: ['dpkg'] });
    expect(sbom.packages.filter((p) => p.explicit === true).map((p) => p.name)).toEqual(manual);
    expect(sbom.unknowns).toEqual([]);
    // bash is at the top; base-files needs awk (mawk) and bash needs libtinfo6, yet both were asked for
    expect(rootDependencies(sbom)).toEqual(['bash', 'libtinfo6', 'mawk']);
    // without apt's record nothing is said: the root depends on the top of the graph alone
    const bare = await catalogImage(await buildImage({ layers: [[status]] }), 'x', { catalogers: ['dpkg'] });
    expect(bare.packages.filter((p) => p.explicit !== undefined)).toEqual([]);
    expect(rootDependencies(bare)).toEqual(['bash']);
  });

  it('matches extended_states by name and architecture, an `all` package under the native one, none without an architecture', async () => {
    const pkgs = [
      paragraph('tool', 'Depends: data, libfoo, libbar, libbaz, libqux\n'),
      'Package: data\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n',
      paragraph('libfoo', ''),
      paragraph('libbar', ''),
      paragraph('libbaz', ''),
      paragraph('libqux', ''),
    ].join('\n');
    const states = [
      'Package: data\nArchitecture: amd64\nAuto-Installed: 1\n', // apt records `all` under the native architecture
      'Package: libfoo\nArchitecture: i386\nAuto-Installed: 1\n', // another architecture's libfoo
      'Package: libbar\nAuto-Installed: 1\n', // older apt wrote no architecture
      'Package: libbaz\nArchitecture: amd64\nAuto-Installed: 0\n', // marked manual again
    ].join('\n');
    const image = await buildImage({ layers: [[{ path: 'var/lib/dpkg/status', content: pkgs }, { path: 'var/lib/apt/extended_states', content: states }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['dpkg'] });
    expect(sbom.packages.filter((p) => p.explicit === true).map((p) => p.name)).toEqual(['libbaz', 'libfoo', 'libqux', 'tool']);
    expect(rootDependencies(sbom)).toEqual(['libbaz', 'libfoo', 'libqux', 'tool']);
  });
});
