/**
 * `--fix` and `--fix=all` over the real Dockerfiles of the shared corpora (read at test time, never copied here;
 * skipped with a message where they are absent): fixing is idempotent, every fix offered is applied (an edit set the
 * fixer has to drop, as one that conflicts with itself, leaves its finding with edits), and the fixed text draws no
 * more findings of any rule than the original — a fix must not make work for another rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corporaDir } from '../dockerfile/corpus.js';
import { editsOf, lintText } from './engine.js';
import { fixText } from './fix.js';
import { allRules } from './rules/index.js';

const corpora = corporaDir();
const missing = corpora === null ? 'shared corpora not found at ../shared/corpora (skipping the corpus fix tests)' : null;
if (missing) console.warn(missing);

/** The corpus Dockerfiles as `set/name` (what a failure shows). */
function corpusFiles(): string[] {
  if (corpora === null) return [];
  const dir = join(corpora, 'dockerfiles');
  return ['binnacle-gold', 'awesome-compose'].flatMap((set) =>
    readdirSync(join(dir, set))
      .sort()
      .map((f) => `${set}/${f}`),
  );
}

/** Findings per rule id, and the ids of those still carrying edits for `mode`. */
function countsByRule(text: string, mode: 'fix' | 'all'): { counts: Map<string, number>; fixable: string[] } {
  const counts = new Map<string, number>();
  const fixable: string[] = [];
  for (const f of lintText(text, { rules: allRules, fixes: mode }).findings) {
    counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
    if ((editsOf(f, mode)?.length ?? 0) > 0) fixable.push(f.ruleId);
  }
  return { counts, fixable };
}

describe.skipIf(missing !== null)('fixing the corpus', () => {
  const files = corpusFiles();
  for (const mode of ['fix', 'all'] as const) {
    it(`--fix${mode === 'all' ? '=all' : ''}: fix(fix(x)) = fix(x), lint(fix(x)) offers no edit, and no rule finds more in fix(x) than in x`, () => {
      expect(files.length).toBeGreaterThan(400);
      const notIdempotent: string[] = [];
      const unfixed: string[] = [];
      const added: string[] = [];
      for (const file of files) {
        const source = readFileSync(join(corpora ?? '', 'dockerfiles', file), 'utf8');
        const fixed = fixText(source, { rules: allRules, mode });
        if (fixText(fixed.output, { rules: allRules, mode }).output !== fixed.output) notIdempotent.push(file);
        const before = countsByRule(source, mode).counts;
        const after = countsByRule(fixed.output, mode);
        for (const ruleId of after.fixable) unfixed.push(`${file}: ${ruleId}`);
        for (const [ruleId, n] of after.counts) {
          const was = before.get(ruleId) ?? 0;
          if (n > was) added.push(`${file}: ${ruleId} ${was} → ${n}`);
        }
      }
      expect(notIdempotent).toEqual([]);
      expect(unfixed).toEqual([]);
      expect(added).toEqual([]);
    }, 120_000);
  }
});

/**
 * A RUN that may end early with success keeps no-root-user's user creation in a RUN of its own (joined, it might never
 * run), and consecutive-run does not ask to merge the two: the output of `--fix=all` is a fixed point.
 */
describe('fixing after a RUN that may end early', () => {
  for (const run of ['make || exit 0', 'test -f /skip && exit', 'exec ./setup.sh']) {
    it(`RUN ${run}`, () => {
      const fixed = fixText(`FROM debian:12\nRUN ${run}\nCMD ["sh"]\n`, { rules: allRules, mode: 'all' });
      expect(fixed.output).toContain(`RUN ${run}\nRUN groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app\nUSER app\n`);
      expect(fixed.result.findings.map((f) => f.ruleId)).not.toContain('consecutive-run');
      expect(fixText(fixed.output, { rules: allRules, mode: 'all' }).output).toBe(fixed.output);
    });
  }
});
