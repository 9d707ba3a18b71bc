import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectValid } from '../../../../test/support/schemas.js';
import { catalogDirectory } from '../../catalog.js';
import { normalize, type Package, type Relationship, type Sbom } from '../../model.js';
import { toCycloneDxJson } from './cyclonedx-json.js';

const cargoProject = resolve(import.meta.dirname, '../../catalogers/rust/__fixtures__/vendored-src');

interface Doc {
  metadata: { component: { 'bom-ref': string } };
  components: { name: string; 'bom-ref': string }[];
  dependencies: { ref: string; dependsOn: string[] }[];
}

function validate(doc: unknown): void {
  expectValid('cyclonedx', doc);
}

/** The document's dependencies by component name: `{ root: [...], name: [...] }`. */
function graphByName(doc: Doc): Record<string, string[]> {
  const names = new Map(doc.components.map((c) => [c['bom-ref'], c.name]));
  names.set(doc.metadata.component['bom-ref'], 'root');
  return Object.fromEntries(doc.dependencies.map((d) => [names.get(d.ref) ?? d.ref, d.dependsOn.map((to) => names.get(to) ?? to)]));
}

/** Components reachable from the root through `dependencies`. */
function reachable(doc: Doc): Set<string> {
  const next = new Map(doc.dependencies.map((d) => [d.ref, d.dependsOn]));
  const seen = new Set<string>();
  const todo = [doc.metadata.component['bom-ref']];
  for (let ref = todo.pop(); ref !== undefined; ref = todo.pop()) {
    for (const to of next.get(ref) ?? []) {
      if (seen.has(to)) continue;
      seen.add(to);
      todo.push(to);
    }
  }
  return seen;
}

function sbomOf(names: string[], edges: [string, string][], known: string[] = []): Sbom {
  const pkg = (name: string): Package => ({
    id: `pkg-${name}`,
    type: 'generic',
    name,
    version: '1',
    purl: `pkg:generic/${name}@1`,
    licenses: [],
    cpes: [],
    foundBy: 'test',
    locations: [`/${name}`],
    layer: 0,
    files: [],
    metadata: {},
    ...(known.includes(name) ? { dependenciesKnown: true } : {}),
  });
  const relationships = edges.map(([from, to]): Relationship => ({ from: `pkg-${from}`, to: `pkg-${to}`, type: 'depends-on' }));
  return normalize({ source: { kind: 'image', name: 'oci:test' }, created: '1970-01-01T00:00:00Z', packages: names.map(pkg), relationships, unknowns: [], unownedFiles: [], tool: { name: 'shipshape', version: '0.0.0' } });
}

describe('CycloneDX dependencies', () => {
  it('the root depends on the top of a known graph, not on every component: Cargo.lock’s own crate', async () => {
    const doc = JSON.parse(toCycloneDxJson(await catalogDirectory(cargoProject, { catalogers: ['rust'] }))) as Doc;
    validate(doc);
    const graph = graphByName(doc);
    expect(graph.root).toEqual(['hello']);
    expect(graph.hello?.sort()).toEqual(['itoa', 'licfile', 'serde', 'tinyfmt']);
    expect(graph.serde).toEqual(['serde_derive']);
    expect([...reachable(doc)].sort()).toEqual(doc.components.map((c) => c['bom-ref']).sort());
  });

  it('the root reaches a dependency cycle nothing else depends on through one member, and every component', () => {
    // a ⇄ b, with d on a; x ⇄ y, on which nothing depends; c alone
    const sbom = sbomOf(['a', 'b', 'c', 'd', 'x', 'y'], [['a', 'b'], ['b', 'a'], ['d', 'a'], ['x', 'y'], ['y', 'x']]);
    const doc = JSON.parse(toCycloneDxJson(sbom)) as Doc;
    validate(doc);
    expect(graphByName(doc).root).toEqual(['c', 'd', 'x']);
    expect(reachable(doc).size).toBe(6);
    expect(toCycloneDxJson(sbom)).toBe(toCycloneDxJson(sbomOf(['y', 'x', 'd', 'c', 'b', 'a'], [['y', 'x'], ['x', 'y'], ['d', 'a'], ['b', 'a'], ['a', 'b']])));
  });

  it('a crate Cargo.lock gives no dependencies has an empty dependsOn: known to depend on nothing', async () => {
    const doc = JSON.parse(toCycloneDxJson(await catalogDirectory(cargoProject, { catalogers: ['rust'] }))) as Doc;
    validate(doc);
    const graph = graphByName(doc);
    expect(Object.keys(graph).sort()).toEqual(['hello', 'itoa', 'licfile', 'root', 'serde', 'serde_derive', 'tinyfmt']);
    expect([graph.itoa, graph.licfile, graph.serde_derive, graph.tinyfmt]).toEqual([[], [], [], []]);
  });

  it('a component whose dependencies are unknown has no entry; one known to have none has an empty dependsOn', () => {
    const doc = JSON.parse(toCycloneDxJson(sbomOf(['app', 'lib', 'loose', 'none'], [['app', 'lib']], ['app', 'none']))) as Doc;
    validate(doc);
    // lib is reached from app but its own dependencies are unknown, as are loose's
    expect(graphByName(doc)).toEqual({ root: ['app', 'loose', 'none'], app: ['lib'], none: [] });
  });

  it('with no edges at all, the root depends on every component', () => {
    const doc = JSON.parse(toCycloneDxJson(sbomOf(['b', 'a'], []))) as Doc;
    expect(graphByName(doc).root).toEqual(['a', 'b']);
  });
});
