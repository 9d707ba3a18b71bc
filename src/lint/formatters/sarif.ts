import { ruleDocsBase, type Severity } from '../types.js';
import type { FormatInput } from './types.js';

const level: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', style: 'note' };

/** SARIF 2.1.0 (OASIS), as code-scanning services read it: one run, the rules that ran, results with regions. */
export function formatSarif(input: FormatInput): string {
  const rules = input.rules.map((r) => ({
    id: r.meta.id,
    name: r.meta.id,
    shortDescription: { text: r.meta.description },
    helpUri: r.meta.docs ?? `${ruleDocsBase}${r.meta.id}.md`,
    defaultConfiguration: { level: level[r.meta.severity] },
    properties: { category: r.meta.category, aliases: [...r.meta.aliases], tags: [r.meta.category] },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = input.files.flatMap((f) =>
    f.findings.map((x) => ({
      ruleId: x.ruleId,
      ...(index.has(x.ruleId) ? { ruleIndex: index.get(x.ruleId) } : {}),
      level: level[x.severity],
      message: { text: x.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeURI(f.file.replace(/\\/g, '/')) },
            region: { startLine: x.range.start.line, startColumn: x.range.start.column, endLine: x.range.end.line, endColumn: x.range.end.column },
          },
        },
      ],
      partialFingerprints: { 'shipshape/v1': x.fingerprint },
      properties: { severity: x.severity, category: x.category },
    })),
  );
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'shipshape', version: input.toolVersion, informationUri: 'https://github.com/shipshape-dev/shipshape', rules } }, results }],
    },
    null,
    2,
  );
}
