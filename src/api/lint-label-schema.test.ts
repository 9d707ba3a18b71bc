/** The label schema reaches the label rules from `.hadolint.yaml` (label-schema, strict-labels) and `.shipshape.yaml`'s lint section. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lint } from './lint.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-label-schema-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const dockerfile = 'FROM debian:12\nLABEL version=1.2 extra=x\nUSER 65534\nHEALTHCHECK NONE\nCMD ["true"]\n';
const labelRules = (ids: string[]): string[] => ids.filter((id) => id.startsWith('label-')).sort();

describe('label schema configuration', () => {
  it('.hadolint.yaml label-schema and strict-labels apply, and `# hadolint ignore=` names the DL ids', async () => {
    const dir = await project({ Dockerfile: dockerfile, '.hadolint.yaml': 'label-schema:\n  version: semver\n  maintainer: email\nstrict-labels: true\n' });
    const report = await lint({ paths: [join(dir, 'Dockerfile')], cwd: dir, shellcheck: false });
    const findings = report.files[0]?.findings ?? [];
    expect(labelRules(findings.map((f) => f.ruleId))).toEqual(['label-required', 'label-unknown', 'label-value-format']);
    expect(findings.find((f) => f.ruleId === 'label-value-format')?.message).toContain('`version` is not a semantic version: `1.2`');

    await writeFile(join(dir, 'Dockerfile'), dockerfile.replace('LABEL', '# hadolint ignore=DL3056,DL3050\nLABEL'));
    const again = await lint({ paths: [join(dir, 'Dockerfile')], cwd: dir, shellcheck: false });
    expect(labelRules((again.files[0]?.findings ?? []).map((f) => f.ruleId))).toEqual(['label-required']);
  });

  it('the lint section of .shipshape.yaml wins label by label; no schema, no label findings', async () => {
    const dir = await project({ Dockerfile: dockerfile, '.hadolint.yaml': 'label-schema:\n  version: semver\n' });
    const report = await lint({ paths: [join(dir, 'Dockerfile')], cwd: dir, shellcheck: false, config: { labelSchema: { version: 'text' } } });
    expect(labelRules((report.files[0]?.findings ?? []).map((f) => f.ruleId))).toEqual([]);
    const none = await project({ Dockerfile: dockerfile });
    const plain = await lint({ paths: [join(none, 'Dockerfile')], cwd: none, shellcheck: false });
    expect(labelRules((plain.files[0]?.findings ?? []).map((f) => f.ruleId))).toEqual([]);
  });

  it('a bad label type in .hadolint.yaml is a one-line error naming the file and field', async () => {
    const dir = await project({ Dockerfile: dockerfile, '.hadolint.yaml': 'label-schema:\n  version: number\n' });
    await expect(lint({ paths: [join(dir, 'Dockerfile')], cwd: dir, shellcheck: false })).rejects.toThrow(/\.hadolint\.yaml.*label-schema\.version/);
  });
});
