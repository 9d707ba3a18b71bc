/**
 * SARIF 2.1.0 (OASIS): one result per finding. Paths inside the image are relative to the `IMAGE_ROOT` base;
 * the layer that holds a path and config fields are logical locations.
 */
import type { AnalysisReport } from '../engine.js';
import type { Finding, Severity } from '../types.js';
import { pathUri } from '../../internal/sarif-uri.js';


const levels: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', note: 'note' };

export function formatSarif(report: AnalysisReport, toolVersion: string): string {
  const ruleIds = [...new Set(report.findings.map((f) => f.id))].sort();
  const firstOf = (id: string): Finding | undefined => report.findings.find((f) => f.id === id);
  const rules = ruleIds.map((id) => {
    const f = firstOf(id);
    return {
      id,
      name: id.replace(/[/-](\w)/g, (_m, c: string) => c.toUpperCase()),
      shortDescription: { text: id },
      ...(f?.fix ? { help: { text: f.fix } } : {}),
      defaultConfiguration: { level: levels[f?.severity ?? 'note'] },
    };
  });
  const results = report.findings.map((f) => {
    const locations = f.evidence.flatMap((e) => {
      const logical = [
        ...(e.layerDigest ? [{ name: e.layerDigest, fullyQualifiedName: `layer ${String(e.layer ?? '?')} ${e.layerDigest}`, kind: 'module' }] : []),
        ...(e.config ? [{ fullyQualifiedName: `config${e.config}`, kind: 'member' }] : []),
      ];
      if (e.path === undefined && logical.length === 0) return [];
      return [{
        ...(e.path === undefined ? {} : { physicalLocation: { artifactLocation: { uri: pathUri(e.path.replace(/^\//, '')), uriBaseId: 'IMAGE_ROOT' } } }),
        ...(logical.length > 0 ? { logicalLocations: logical } : {}),
      }];
    });
    return {
      ruleId: f.id,
      ruleIndex: ruleIds.indexOf(f.id),
      level: levels[f.severity],
      message: { text: f.fix ? `${f.message}. Fix: ${f.fix}` : f.message },
      ...(locations.length > 0 ? { locations } : {}),
      ...(f.bytes === undefined ? {} : { properties: { bytes: f.bytes } }),
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'shipshape', version: toolVersion, informationUri: 'https://github.com/shipshape/shipshape', rules } },
        originalUriBaseIds: { IMAGE_ROOT: { uri: 'file:///', description: { text: `the filesystem of image ${report.image.reference ?? report.image.digest}` } } },
        results,
        properties: { imageDigest: report.image.digest, efficiency: report.waste.corrected.efficiency, wastedBytes: report.waste.corrected.wastedBytes },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
