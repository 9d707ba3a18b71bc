/** CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/). */
import { createHash } from 'node:crypto';
import spdxLicenseIds from 'spdx-license-list/simple.js';
import { dependencyEdges, rootDependencies } from '../../dependency-graph.js';
import type { Package, Sbom } from '../../model.js';
import { isSpdxExpression } from '../licenses.js';

/** A deterministic RFC 4122 version-5-shaped UUID from content, so the same input gives the same serial number. */
function uuidFrom(text: string): string {
  const h = createHash('sha1').update(text).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function licenses(p: Package): object[] | undefined {
  if (p.licenses.length === 0) return undefined;
  // CycloneDX: either several single licenses, or exactly one expression. `license.id` is an enum of the SPDX
  // License List's ids: an expression that is one id with `+` (Debian's GFDL-1.2+) or a LicenseRef- is not one.
  const isId = (l: string): boolean => spdxLicenseIds.has(l);
  if (p.licenses.length === 1 && isSpdxExpression(p.licenses[0] ?? '') && !isId(p.licenses[0] ?? '')) return [{ expression: p.licenses[0] }];
  return p.licenses.map((l) => (isId(l) ? { license: { id: l } } : { license: { name: l } }));
}

/**
 * The root's dependencies, then each component's own (the catalogers' depends-on edges): an entry for every
 * component with edges or whose dependencies are known, so that an empty `dependsOn` says "known: none" and a
 * missing entry "unknown" (CycloneDX 1.6 `dependencies`). The root depends on the
 * top of the graph, not on every component: what no other component depends on (for an image, the distribution's
 * packages nothing requires and the application's own packages), plus one member of each cycle nothing outside it
 * depends on, so that every component is reachable from the root and (but for what was asked for by name) none is listed twice on the way
 * (CycloneDX 1.6 `dependencies`: a ref's `dependsOn` are its direct dependencies). A package asked for by name
 * (`explicit`: apt's extended_states, apk's world) is a direct requirement of the root even when others depend on it.
 */
function dependencies(sbom: Sbom, rootRef: string): { ref: string; dependsOn: string[] }[] {
  const edges = dependencyEdges(sbom);
  // each bom-ref appears once as a ref; packages are already in canonical order
  return [{ ref: rootRef, dependsOn: rootDependencies(sbom, edges) }, ...sbom.packages.flatMap((p) => {
    const to = edges.get(p.id);
    if (to === undefined) return p.dependenciesKnown === true ? [{ ref: p.id, dependsOn: [] }] : [];
    return [{ ref: p.id, dependsOn: [...to].sort() }];
  })];
}

export function toCycloneDxJson(sbom: Sbom): string {
  const rootRef = `root-${sbom.source.kind}`;
  const doc = {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${uuidFrom(JSON.stringify([sbom.source, sbom.packages.map((p) => p.id)]))}`,
    version: 1,
    metadata: {
      timestamp: sbom.created,
      tools: { components: [{ type: 'application', name: sbom.tool.name, version: sbom.tool.version }] },
      component: {
        type: sbom.source.kind === 'image' ? 'container' : 'file',
        'bom-ref': rootRef,
        name: sbom.source.name,
        ...(sbom.source.digest ? { version: sbom.source.digest } : {}),
      },
    },
    components: sbom.packages.map((p) => {
      const lic = licenses(p);
      const properties = [
        { name: 'shipshape:package:foundBy', value: p.foundBy },
        ...(p.layer === undefined ? [] : [{ name: 'shipshape:package:layer', value: String(p.layer) }]),
        ...p.locations.map((l, i) => ({ name: `shipshape:location:${i}:path`, value: l })),
        ...Object.entries(p.metadata)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => ({ name: `shipshape:metadata:${k}`, value: String(v) })),
      ];
      return {
        type: 'library',
        'bom-ref': p.id,
        name: p.name,
        version: p.version,
        ...(lic ? { licenses: lic } : {}),
        ...(p.cpes[0] ? { cpe: p.cpes[0] } : {}),
        purl: p.purl,
        properties,
      };
    }),
    dependencies: dependencies(sbom, rootRef),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
