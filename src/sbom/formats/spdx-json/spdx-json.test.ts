import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectValid } from '../../../../test/support/schemas.js';
import { buildImage } from '../../../testing/images.js';
import { catalogDirectory, catalogImage } from '../../catalog.js';
import type { Sbom } from '../../model.js';
import { toCycloneDxJson } from '../cyclonedx-json/cyclonedx-json.js';
import { toSpdxJson } from './spdx-json.js';

const cargoProject = resolve(import.meta.dirname, '../../catalogers/rust/__fixtures__/vendored-src');
const dpkgFixtures = resolve(import.meta.dirname, '../../catalogers/dpkg/__fixtures__');

interface SpdxDoc {
  packages: { name: string; SPDXID: string }[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
}

interface CdxDoc {
  metadata: { component: { 'bom-ref': string } };
  components: { name: string; 'bom-ref': string }[];
  dependencies: { ref: string; dependsOn: string[] }[];
}

describe('SPDX relationships', () => {
  it('DEPENDS_ON states the graph of CycloneDX dependencies, NONE where a package is known to depend on nothing', async () => {
    const sbom = await catalogDirectory(cargoProject, { catalogers: ['rust'] });
    const spdx = JSON.parse(toSpdxJson(sbom)) as SpdxDoc;
    expectValid('spdx', spdx);

    const spdxName = new Map(spdx.packages.map((p) => [p.SPDXID, p.name]));
    const root = spdx.packages[0]?.SPDXID;
    const dependsOn = spdx.relationships.filter((r) => r.relationshipType === 'DEPENDS_ON' && r.spdxElementId !== root).map((r) => `${spdxName.get(r.spdxElementId) ?? r.spdxElementId} -> ${spdxName.get(r.relatedSpdxElement) ?? r.relatedSpdxElement}`);
    const cdx = JSON.parse(toCycloneDxJson(sbom)) as CdxDoc;
    const cdxName = new Map(cdx.components.map((c) => [c['bom-ref'], c.name]));
    const fromCdx = cdx.dependencies
      .filter((d) => d.ref !== cdx.metadata.component['bom-ref'])
      .flatMap((d) => (d.dependsOn.length === 0 ? [`${cdxName.get(d.ref) ?? d.ref} -> NONE`] : d.dependsOn.map((to) => `${cdxName.get(d.ref) ?? d.ref} -> ${cdxName.get(to) ?? to}`)));
    expect(dependsOn.sort()).toEqual(fromCdx.sort());
    expect(dependsOn).toEqual(['hello -> itoa', 'hello -> licfile', 'hello -> serde', 'hello -> tinyfmt', 'itoa -> NONE', 'licfile -> NONE', 'serde -> serde_derive', 'serde_derive -> NONE', 'tinyfmt -> NONE']);
    // the image or directory CONTAINS every package, whatever the graph
    expect(spdx.relationships.filter((r) => r.relationshipType === 'CONTAINS' && r.spdxElementId === root)).toHaveLength(sbom.packages.length);
  });

  it('the described package DEPENDS_ON what the CycloneDX root depends on: the top of the graph and what was asked for', async () => {
    // real Debian 12 paragraphs and apt's own extended_states (catalogers/dpkg/__fixtures__/README.md): bash is the top
    // of the graph; mawk and libtinfo6 were asked for although base-files and bash depend on them
    const status = { path: 'var/lib/dpkg/status', content: readFileSync(join(dpkgFixtures, 'status')) };
    const states = { path: 'var/lib/apt/extended_states', content: readFileSync(join(dpkgFixtures, 'extended_states')) };
    const rootEdges = (sbom: Sbom): { spdx: string[]; cdx: string[] } => {
      const spdx = JSON.parse(toSpdxJson(sbom)) as SpdxDoc;
      expectValid('spdx', spdx);
      const described = spdx.relationships.find((r) => r.relationshipType === 'DESCRIBES')?.relatedSpdxElement;
      const spdxName = new Map(spdx.packages.map((p) => [p.SPDXID, p.name]));
      const cdx = JSON.parse(toCycloneDxJson(sbom)) as CdxDoc;
      const cdxName = new Map(cdx.components.map((c) => [c['bom-ref'], c.name]));
      return {
        spdx: spdx.relationships.filter((r) => r.spdxElementId === described && r.relationshipType === 'DEPENDS_ON').map((r) => spdxName.get(r.relatedSpdxElement) ?? r.relatedSpdxElement).sort(),
        cdx: (cdx.dependencies.find((d) => d.ref === cdx.metadata.component['bom-ref'])?.dependsOn ?? []).map((to) => cdxName.get(to) ?? to).sort(),
      };
    };
    const asked = await catalogImage(await buildImage({ layers: [[status], [states]] }), 'x', { catalogers: ['dpkg'] });
    expect(rootEdges(asked)).toEqual({ spdx: ['bash', 'libtinfo6', 'mawk'], cdx: ['bash', 'libtinfo6', 'mawk'] });
    const bare = await catalogImage(await buildImage({ layers: [[status]] }), 'x', { catalogers: ['dpkg'] });
    expect(rootEdges(bare)).toEqual({ spdx: ['bash'], cdx: ['bash'] });
  });
});
