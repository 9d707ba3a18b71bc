import { ruleDocsBase, type Severity } from '../types.js';
import type { FormatInput } from './types.js';
import { pathUri } from '../../internal/sarif-uri.js';

const level: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', style: 'note' };

/** The one tool notification shipshape reports: a rule that threw on a file. */
const ruleFailure = {
  id: 'rule-failure',
  name: 'RuleFailure',
  shortDescription: { text: 'A rule failed on a file, so the file was checked only in part.' },
  defaultConfiguration: { level: 'error' },
};

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
  const uri = pathUri;
  const results = input.files.flatMap((f) =>
    f.findings.map((x) => ({
      ruleId: x.ruleId,
      ...(index.has(x.ruleId) ? { ruleIndex: index.get(x.ruleId) } : {}),
      level: level[x.severity],
      message: { text: x.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uri(f.file) },
            region: { startLine: x.range.start.line, startColumn: x.range.start.column, endLine: x.range.end.line, endColumn: x.range.end.column },
          },
        },
      ],
      partialFingerprints: { 'shipshape/v1': x.fingerprint },
      properties: { severity: x.severity, category: x.category },
    })),
  );
  // SARIF §3.58.4/§3.58.5: `descriptor` names the kind of notification (described in driver.notifications),
  // `associatedRule` the rule that was running when it happened
  const notifications = input.files.flatMap((f) =>
    f.ruleFailures.map((r) => ({
      level: 'error',
      message: { text: `Rule ${r.ruleId} failed on ${f.file}: ${r.message}` },
      descriptor: { id: ruleFailure.id, index: 0 },
      associatedRule: { id: r.ruleId, ...(index.has(r.ruleId) ? { index: index.get(r.ruleId) } : {}) },
      locations: [{ physicalLocation: { artifactLocation: { uri: uri(f.file) } } }],
    })),
  );
  // Appendix I: a consumer takes results as complete only when every invocation succeeded with no error notification
  const invocation = { executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications };
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: { name: 'shipshape', version: input.toolVersion, informationUri: 'https://github.com/shipshape-dev/shipshape', rules, notifications: [ruleFailure] },
          },
          invocations: [invocation],
          results,
        },
      ],
    },
    null,
    2,
  );
}
