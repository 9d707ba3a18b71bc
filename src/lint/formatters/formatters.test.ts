import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv4 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { lintText } from '../engine.js';
import { allRules } from '../rules/index.js';
import { formatters } from './index.js';
import type { FormatInput } from './types.js';

const code = 'FROM node:latest\nUSER app\nRUN apt-get update && apt-get install curl\nENV API_TOKEN="a,b:c%"\n';
const result = lintText(code, { rules: allRules, file: 'app/Dockerfile', ignore: ['healthcheck-missing'] });
const input: FormatInput = { files: [{ file: 'app/Dockerfile', findings: result.findings, applied: [], ruleFailures: [] }], rules: allRules, toolVersion: '0.1.0' };
/** The official schemas sit beside the checkout (`../shared/schemas`, TESTENV.md); SHIPSHAPE_SCHEMAS overrides. */
const schemaPath = [process.env.SHIPSHAPE_SCHEMAS, resolve(import.meta.dirname, '../../../../shared/schemas'), '/work/shared/schemas']
  .filter((d): d is string => d !== undefined)
  .map((d) => resolve(d, 'sarif-2.1.0.schema.json'))
  .find((p) => existsSync(p));

// what the engine records when a rule throws (engine.test.ts provokes it); the reason quotes the file's bytes
const failed: FormatInput = {
  ...input,
  files: [
    {
      ...input.files[0]!,
      ruleFailures: [{ ruleId: 'copy-ignored-file', message: '.dockerignore:2: pattern [ is not valid (Unterminated character class)\nsecond\u0001line' }],
    },
  ],
};

function expectValidSarif(text: string): void {
  if (!schemaPath) throw new Error('no SARIF schema');
  const ajv = new Ajv4.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
  validate(JSON.parse(text));
  expect(validate.errors ?? []).toEqual([]);
}

describe('formatters', () => {
  it('text lists each finding with line:column, severity, message and rule', () => {
    const text = formatters.text(input);
    expect(text).toContain('app/Dockerfile');
    expect(text).toMatch(/1:6\s+warning\s+Base image 'node:latest' uses 'latest'/);
    expect(text).toMatch(/problem\(s\) in 1 file\(s\)/);
  });

  it('json carries fingerprints for baselines', () => {
    const json = JSON.parse(formatters.json(input));
    expect(json.files[0].findings.length).toBe(result.findings.length);
    expect(json.files[0].findings[0]).toMatchObject({ ruleId: 'pin-base-image', line: 1, column: 6, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it.skipIf(!schemaPath)('sarif is valid SARIF 2.1.0 (OASIS schema)', () => {
    const sarif = JSON.parse(formatters.sarif(input));
    expectValidSarif(formatters.sarif(input));
    expect(sarif.runs[0].results.length).toBe(result.findings.length);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region).toEqual({ startLine: 1, startColumn: 6, endLine: 1, endColumn: 17 });
    // a complete run says so: SARIF Appendix I
    expect(sarif.runs[0].invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
  });

  it('text does not call a run with a failed rule clean: the summary says the file was checked only in part', () => {
    expect(formatters.text(failed).split('\n').at(-1)).toMatch(/problem\(s\) in 1 file\(s\): .*; 1 rule run\(s\) failed, so a file was checked only in part$/);
    const clean: FormatInput = { ...failed, files: [{ ...failed.files[0]!, findings: [] }] };
    expect(formatters.text(clean)).toBe('1 file(s) checked, no problems found; 1 rule run(s) failed, so a file was checked only in part');
    expect(formatters.text({ ...input, files: [{ ...input.files[0]!, findings: [] }] })).toBe('1 file(s) checked, no problems');
  });

  it.skipIf(!schemaPath)('sarif records a rule failure as an unsuccessful invocation with an error notification on the file', () => {
    const text = formatters.sarif(failed);
    expectValidSarif(text);
    const run = JSON.parse(text).runs[0];
    expect(run.results.length).toBe(result.findings.length);
    const ruleIndex = allRules.findIndex((r) => r.meta.id === 'copy-ignored-file');
    expect(run.invocations).toEqual([
      {
        executionSuccessful: false,
        toolExecutionNotifications: [
          {
            level: 'error',
            message: { text: 'Rule copy-ignored-file failed on app/Dockerfile: .dockerignore:2: pattern [ is not valid (Unterminated character class)\nsecond\u0001line' },
            descriptor: { id: 'rule-failure', index: 0 },
            associatedRule: { id: 'copy-ignored-file', index: ruleIndex },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'app/Dockerfile' } } }],
          },
        ],
      },
    ]);
    expect(run.tool.driver.notifications).toEqual([expect.objectContaining({ id: 'rule-failure', defaultConfiguration: { level: 'error' } })]);
  });

  it('sarif writes a file path as a URI reference: a space, # or ? in a name stays part of the path', () => {
    const sarif = JSON.parse(formatters.sarif({ ...input, files: [{ ...input.files[0]!, file: 'svc #1/a b?/Dockerfile' }] }));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('svc%20%231/a%20b%3F/Dockerfile');
  });

  it('checkstyle escapes XML', () => {
    const xml = formatters.checkstyle({ ...input, files: [{ ...input.files[0]!, file: 'a&b/Dockerfile' }] });
    expect(xml).toContain('<file name="a&amp;b/Dockerfile">');
    expect(xml).toMatch(/<error line="1" column="6" severity="warning" message="[^"]*" source="shipshape.pin-base-image"\/>/);
  });

  it('checkstyle records a rule failure as an error on the file whose source names the rule', () => {
    const xml = formatters.checkstyle(failed);
    expect(xml).toContain(
      '<error line="1" severity="error" message="Rule copy-ignored-file failed on this file, which was checked only in part: .dockerignore:2: pattern [ is not valid (Unterminated character class)&#10;second\ufffdline" source="shipshape.rule-failure.copy-ignored-file"/>\n  </file>',
    );
    expect(formatters.checkstyle(input)).not.toContain('rule-failure');
  });

  it('github annotations escape properties and data', () => {
    const out = formatters.github(input).split('\n');
    expect(out[0]).toMatch(/^::warning file=app\/Dockerfile,line=1,col=6,endLine=1,endColumn=17,title=pin-base-image::Base image/);
    expect(out.every((l) => l.startsWith('::'))).toBe(true);
  });

  it('github annotates a rule failure as an error on the file naming the rule', () => {
    const out = formatters.github(failed).split('\n');
    expect(out).toHaveLength(result.findings.length + 1);
    expect(out.at(-1)).toBe(
      '::error file=app/Dockerfile,title=rule copy-ignored-file failed::Rule copy-ignored-file failed on this file, which was checked only in part: .dockerignore:2: pattern [ is not valid (Unterminated character class)%0Asecond?line',
    );
  });
});
