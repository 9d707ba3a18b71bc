/** SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/): the image as the described package, containing the rest. */
import { createHash } from 'node:crypto';
import { dependencyEdges, rootDependencies } from '../../dependency-graph.js';
import type { Sbom } from '../../model.js';
import { toExpression } from '../licenses.js';

function spdxId(raw: string): string {
  return `SPDXRef-${raw.replace(/[^A-Za-z0-9.-]+/g, '-')}`;
}

export function toSpdxJson(sbom: Sbom): string {
  const contentHash = createHash('sha256')
    .update(JSON.stringify([sbom.source, sbom.packages.map((p) => p.purl + p.id)]))
    .digest('hex')
    .slice(0, 32);
  const docName = sbom.source.name;
  const rootId = spdxId(`${sbom.source.kind}-root`);
  const extracted = new Map<string, string>();
  const idOf = new Map(sbom.packages.map((p) => [p.id, spdxId(`Package-${p.type}-${p.id}`)]));
  const edges = dependencyEdges(sbom);
  const packages = sbom.packages.map((p) => {
    const { expression, refs } = toExpression(p.licenses);
    for (const [ref, text] of refs) extracted.set(ref, text);
    return {
      name: p.name,
      SPDXID: idOf.get(p.id) ?? spdxId(`Package-${p.type}-${p.id}`),
      versionInfo: p.version,
      supplier: 'NOASSERTION',
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: expression ?? 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      sourceInfo: `acquired package info from ${p.locations.join(', ')} (${p.foundBy}${p.layer === undefined ? '' : `, layer ${p.layer}`})`,
      externalRefs: [
        { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl },
        ...p.cpes.map((cpe) => ({ referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: cpe })),
      ],
    };
  });
  const root = {
    name: sbom.source.name,
    SPDXID: rootId,
    versionInfo: sbom.source.digest ?? 'NOASSERTION',
    supplier: 'NOASSERTION',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose: sbom.source.kind === 'image' ? 'CONTAINER' : 'SOURCE',
  };
  const doc = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: docName,
    documentNamespace: `https://shipshape.invalid/spdx/${encodeURIComponent(docName)}-${contentHash}`,
    creationInfo: { created: sbom.created, creators: [`Tool: ${sbom.tool.name}-${sbom.tool.version}`], licenseListVersion: '3.25' },
    packages: [root, ...packages],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: rootId },
      ...packages.map((p) => ({ spdxElementId: rootId, relationshipType: 'CONTAINS', relatedSpdxElement: p.SPDXID })),
      // what the image directly depends on: the same packages the CycloneDX root's dependsOn lists (CONTAINS says
      // what is inside, DEPENDS_ON where the graph starts, so that a reader can walk it from the described package)
      ...rootDependencies(sbom, edges).map((id) => ({ spdxElementId: rootId, relationshipType: 'DEPENDS_ON', relatedSpdxElement: idOf.get(id) ?? spdxId(id) })),
      // the catalogers' edges (Cargo.lock dependencies, a Go binary's main module on its modules), between listed packages
      ...sbom.relationships.flatMap((r) => {
        const from = idOf.get(r.from);
        const to = idOf.get(r.to);
        if (from === undefined || to === undefined) return [];
        return [{ spdxElementId: from, relationshipType: r.type === 'depends-on' ? 'DEPENDS_ON' : 'CONTAINS', relatedSpdxElement: to }];
      }),
      // a package known to depend on nothing: SPDX 2.3 §11.1 lets NONE stand for "no relationships of this type"
      ...sbom.packages.flatMap((p) => {
        if (p.dependenciesKnown !== true || edges.has(p.id)) return [];
        return [{ spdxElementId: idOf.get(p.id) ?? spdxId(`Package-${p.type}-${p.id}`), relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'NONE' }];
      }),
    ],
    ...(extracted.size > 0
      ? { hasExtractedLicensingInfos: [...extracted].sort(([a], [b]) => (a < b ? -1 : 1)).map(([licenseId, text]) => ({ licenseId, extractedText: text, name: text })) }
      : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
