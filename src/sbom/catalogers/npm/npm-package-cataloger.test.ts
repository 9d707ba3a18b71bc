import { describe, expect, it } from 'vitest';
import { buildImage } from '../../../testing/images.js';
import { catalogImage } from '../../catalog.js';
import { formats } from '../../formats/index.js';
import type { Sbom } from '../../model.js';

const json = (value: unknown): string => JSON.stringify(value);

/** `name@version -> name@version` for each depends-on edge, sorted. */
function edges(sbom: Sbom): string[] {
  const label = new Map(sbom.packages.map((p) => [p.id, `${p.name}@${p.version}`]));
  return sbom.relationships.map((r) => `${label.get(r.from) ?? r.from} -> ${label.get(r.to) ?? r.to}`).sort();
}

const known = (sbom: Sbom): string[] => sbom.packages.filter((p) => p.dependenciesKnown === true).map((p) => `${p.name}@${p.version}`).sort();

describe('npm-package-cataloger dependencies', () => {
  it('links installed packages as Node resolves them: nested node_modules first, then each folder above', async () => {
    const image = await buildImage({
      layers: [
        [
          { path: 'app/package.json', content: json({ name: 'app', version: '1.0.0', dependencies: { a: '^1', d: '^1', e: '^1' } }) },
          { path: 'app/node_modules/a/package.json', content: json({ name: 'a', version: '1.0.0', dependencies: { b: '^1', c: '^1' } }) },
          { path: 'app/node_modules/b/package.json', content: json({ name: 'b', version: '1.0.0' }) },
          { path: 'app/node_modules/c/package.json', content: json({ name: 'c', version: '1.0.0', dependencies: { b: '^2' } }) },
          { path: 'app/node_modules/c/node_modules/b/package.json', content: json({ name: 'b', version: '2.0.0' }) },
          // needs a package that is not there: its dependencies are not known
          { path: 'app/node_modules/d/package.json', content: json({ name: 'd', version: '1.0.0', dependencies: { 'not-installed': '^1', b: '^1' } }) },
          // an optional dependency and an optional peer may be absent; a peer that is there is a dependency
          { path: 'app/node_modules/e/package.json', content: json({ name: 'e', version: '1.0.0', optionalDependencies: { fsevents: '^2' }, peerDependencies: { a: '^1', typescript: '*' }, peerDependenciesMeta: { typescript: { optional: true } } }) },
          { path: 'other/node_modules/@scope/lone/package.json', content: json({ name: '@scope/lone', version: '3.0.0', dependencies: { b: '^1' } }) },
        ],
      ],
    });
    const sbom = await catalogImage(image, 'x', { catalogers: ['npm'] });
    expect(edges(sbom)).toEqual(['a@1.0.0 -> b@1.0.0', 'a@1.0.0 -> c@1.0.0', 'c@1.0.0 -> b@2.0.0', 'd@1.0.0 -> b@1.0.0', 'e@1.0.0 -> a@1.0.0']);
    // /other cannot see /app/node_modules/b
    expect(known(sbom)).toEqual(['a@1.0.0', 'b@1.0.0', 'b@2.0.0', 'c@1.0.0', 'e@1.0.0']);
  });

  it('links the packages of a lockfile by their install folders, a workspace link standing for its member', async () => {
    const lock = {
      name: 'app',
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', workspaces: ['packages/*'], dependencies: { a: '^1', f: '^1' } },
        'node_modules/a': { version: '1.0.0', dependencies: { b: '^1', c: '^1' } },
        'node_modules/b': { version: '1.0.0' },
        'node_modules/c': { version: '1.0.0', dependencies: { b: '^2' } },
        'node_modules/c/node_modules/b': { version: '2.0.0' },
        'node_modules/d': { version: '1.0.0', dev: true, dependencies: { missing: '^1' } },
        'node_modules/f': { version: '1.0.0', dependencies: { member: '*' }, optionalDependencies: { 'f-linux-x64': '1.0.0', 'f-darwin-arm64': '1.0.0' } },
        'node_modules/f-linux-x64': { version: '1.0.0', optional: true, os: ['linux'] },
        'node_modules/member': { resolved: 'packages/member', link: true },
        'packages/member': { name: 'member', version: '0.1.0', dependencies: { a: '^1' } },
      },
    };
    const image = await buildImage({ layers: [[{ path: 'src/package-lock.json', content: json(lock) }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['npm'] });
    expect(edges(sbom)).toEqual(['a@1.0.0 -> b@1.0.0', 'a@1.0.0 -> c@1.0.0', 'c@1.0.0 -> b@2.0.0', 'f@1.0.0 -> f-linux-x64@1.0.0', 'f@1.0.0 -> member@0.1.0', 'member@0.1.0 -> a@1.0.0']);
    expect(known(sbom)).toEqual(['a@1.0.0', 'b@1.0.0', 'b@2.0.0', 'c@1.0.0', 'f-linux-x64@1.0.0', 'f@1.0.0', 'member@0.1.0']);
    // CycloneDX: the root on what nothing depends on; [] for a package known to need nothing; no entry for d
    const doc = JSON.parse(formats['cyclonedx-json'](sbom)) as { components: { name: string; version: string; 'bom-ref': string }[]; dependencies: { ref: string; dependsOn: string[] }[] };
    const label = new Map(doc.components.map((c) => [c['bom-ref'], `${c.name}@${c.version}`]));
    const entries = Object.fromEntries(doc.dependencies.map((d) => [label.get(d.ref) ?? 'root', d.dependsOn.map((to) => label.get(to) ?? to).sort()]));
    expect(entries).toEqual({
      root: ['d@1.0.0', 'f@1.0.0'],
      'a@1.0.0': ['b@1.0.0', 'c@1.0.0'],
      'b@1.0.0': [],
      'b@2.0.0': [],
      'c@1.0.0': ['b@2.0.0'],
      'f@1.0.0': ['f-linux-x64@1.0.0', 'member@0.1.0'],
      'f-linux-x64@1.0.0': [],
      'member@0.1.0': ['a@1.0.0'],
    });
  });
});
