/**
 * The rule catalogue matches its folder: every file of src/lint/rules/ is registered under its file name, has a
 * test file beside it and a doc page with ❌ and ✅ examples; and docs/rules/README.md accounts for every ID of
 * hadolint, Trivy and BuildKit (covered by an alias, or listed as not covered with a reason).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/lint/index.js';
import { formatters } from '../../src/lint/formatters/index.js';

const root = resolve(import.meta.dirname, '../..');
const rulesDir = join(root, 'src/lint/rules');
const ruleFiles = readdirSync(rulesDir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

describe('lint rule catalogue', () => {
  it('the registry equals the folder, ids equal file names', () => {
    expect(allRules.map((r) => r.meta.id).sort()).toEqual(ruleFiles);
  });

  it('each rule file exports the rule with its own id', async () => {
    for (const f of ruleFiles) {
      const mod = (await import(join(rulesDir, `${f}.ts`))) as { rule: { meta: { id: string } } };
      expect(mod.rule.meta.id).toBe(f);
    }
  });

  it('each rule has a test file and a doc page with ❌ and ✅ examples', () => {
    for (const id of ruleFiles) {
      expect(existsSync(join(rulesDir, `${id}.test.ts`)), `${id}.test.ts`).toBe(true);
      const doc = join(root, 'docs/rules', `${id}.md`);
      expect(existsSync(doc), `docs/rules/${id}.md`).toBe(true);
      const text = readFileSync(doc, 'utf8');
      expect(text, `docs/rules/${id}.md has ❌`).toContain('❌');
      expect(text, `docs/rules/${id}.md has ✅`).toContain('✅');
    }
  });

  it("each doc page's fix row says what the rule's meta.fixable does", () => {
    const rows = {
      none: '| fix | No automatic fix. |',
      fix: '| fix | Safe fix: `shipshape lint --fix` applies it. |',
      suggestion: '| fix | Suggestion: `shipshape lint --fix=all` applies it (it changes behaviour; review the diff with `--fix-dry-run --fix=all`). |',
    };
    for (const r of allRules) {
      const text = readFileSync(join(root, 'docs/rules', `${r.meta.id}.md`), 'utf8');
      expect(text, `docs/rules/${r.meta.id}.md`).toContain(rows[r.meta.fixable ?? 'none']);
    }
  });

  it("the catalogue table's fix column says what each rule's meta.fixable does", () => {
    const readme = readFileSync(join(root, 'docs/rules/README.md'), 'utf8');
    const column = new Map([...readme.matchAll(/^\| \[([a-z0-9-]+)\]\([a-z0-9-]+\.md\) \| [a-z]+ \| [a-z]+ \| ([a-z]*) \|/gm)].map((m) => [m[1], m[2]]));
    for (const r of allRules) expect(column.get(r.meta.id), `docs/rules/README.md row of ${r.meta.id}`).toBe(r.meta.fixable ?? '');
  });

  it('aliases are unique across rules, and every message id is used by name only', () => {
    const seen = new Map<string, string>();
    for (const r of allRules) {
      for (const a of r.meta.aliases) {
        expect(seen.get(a), `${a} is an alias of ${seen.get(a) ?? ''} and ${r.meta.id}`).toBeUndefined();
        seen.set(a, r.meta.id);
      }
    }
  });

  it('each rule declares the visitor keys it returns (meta.visits), so the engine can skip it for files without them', () => {
    for (const r of allRules) expect(r.meta.visits?.length ?? 0, `${r.meta.id} declares meta.visits`).toBeGreaterThan(0);
  });

  it('the formatter registry equals src/lint/formatters/', () => {
    const files = readdirSync(join(root, 'src/lint/formatters'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts' && f !== 'types.ts')
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(Object.keys(formatters).sort()).toEqual(files);
  });
});

describe('docs/rules/README.md accounts for hadolint, Trivy and BuildKit', () => {
  const readme = readFileSync(join(root, 'docs/rules/README.md'), 'utf8');
  const rows = new Map<string, string>();
  for (const m of readme.matchAll(/^\| ((?:buildkit:)?[A-Za-z0-9-]+) \| (.+) \|$/gm)) rows.set(m[1] ?? '', m[2] ?? '');
  const hadolint = ['DL1001', ...Array.from({ length: 63 }, (_, i) => `DL${3000 + i}`), 'DL4000', 'DL4001', 'DL4002', 'DL4003', 'DL4004', 'DL4005', 'DL4006'];
  const trivy = [1, 2, ...Array.from({ length: 14 }, (_, i) => i + 4), ...Array.from({ length: 13 }, (_, i) => i + 19)].map((n) => `DS-${String(n).padStart(4, '0')}`);
  const buildkit = [
    'StageNameCasing', 'FromAsCasing', 'NoEmptyContinuation', 'ConsistentInstructionCasing', 'DuplicateStageName', 'ReservedStageName',
    'JSONArgsRecommended', 'MaintainerDeprecated', 'UndefinedArgInFrom', 'WorkdirRelativePath', 'UndefinedVar', 'MultipleInstructionsDisallowed',
    'LegacyKeyValueFormat', 'InvalidBaseImagePlatform', 'RedundantTargetPlatform', 'SecretsUsedInArgOrEnv', 'InvalidDefaultArgInFrom',
    'FromPlatformFlagConstDisallowed', 'CopyIgnoredFile', 'InvalidDefinitionDescription', 'ExposeProtoCasing', 'ExposeInvalidFormat',
  ].map((n) => `buildkit:${n}`);
  const aliasOwner = new Map(allRules.flatMap((r) => r.meta.aliases.map((a) => [a, r.meta.id] as const)));

  it('lists 71 hadolint, 29 Trivy and 22 BuildKit IDs', () => {
    expect([hadolint.length, trivy.length, buildkit.length]).toEqual([71, 29, 22]);
  });

  it.each([...hadolint, ...trivy, ...buildkit])('%s is covered by a rule alias or named as not covered with a reason', (id) => {
    const row = rows.get(id);
    expect(row, `${id} has no row`).toBeDefined();
    const owner = aliasOwner.get(id);
    if (owner) expect(row).toContain(`[${owner}](${owner}.md)`);
    else {
      // a deliberate gap with its reason; "not yet" is a plan, not a reason
      expect(row).toMatch(/^not covered: .{10,}/);
      expect(row, `${id} is still a "not yet" row`).not.toMatch(/not yet/i);
    }
  });
});
