import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectValid } from '../../../../test/support/schemas.js';
import { catalogDirectory } from '../../catalog.js';
import { toCycloneDxJson } from '../cyclonedx-json/cyclonedx-json.js';
import { toSpdxJson } from './spdx-json.js';

const cargoProject = resolve(import.meta.dirname, '../../catalogers/rust/__fixtures__/vendored-src');

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
    const dependsOn = spdx.relationships.filter((r) => r.relationshipType === 'DEPENDS_ON').map((r) => `${spdxName.get(r.spdxElementId) ?? r.spdxElementId} -> ${spdxName.get(r.relatedSpdxElement) ?? r.relatedSpdxElement}`);
    const cdx = JSON.parse(toCycloneDxJson(sbom)) as CdxDoc;
    const cdxName = new Map(cdx.components.map((c) => [c['bom-ref'], c.name]));
    const fromCdx = cdx.dependencies
      .filter((d) => d.ref !== cdx.metadata.component['bom-ref'])
      .flatMap((d) => (d.dependsOn.length === 0 ? [`${cdxName.get(d.ref) ?? d.ref} -> NONE`] : d.dependsOn.map((to) => `${cdxName.get(d.ref) ?? d.ref} -> ${cdxName.get(to) ?? to}`)));
    expect(dependsOn.sort()).toEqual(fromCdx.sort());
    expect(dependsOn).toEqual(['hello -> itoa', 'hello -> licfile', 'hello -> serde', 'hello -> tinyfmt', 'itoa -> NONE', 'licfile -> NONE', 'serde -> serde_derive', 'serde_derive -> NONE', 'tinyfmt -> NONE']);
    // the image or directory CONTAINS every package, whatever the graph
    const root = spdx.packages[0]?.SPDXID;
    expect(spdx.relationships.filter((r) => r.relationshipType === 'CONTAINS' && r.spdxElementId === root)).toHaveLength(sbom.packages.length);
  });
});
