/**
 * Conformance with BuildKit's own parser tests and robustness on real Dockerfiles, read from the shared corpora at
 * test time (never copied here). Skipped, with a message, where the corpora are absent.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corporaDir } from './corpus.js';
import { dump } from './dump.js';
import { expand } from './expand.js';
import { parse } from './parse.js';
import { print, unownedText } from './print.js';

const corpora = corporaDir();
const missing = corpora === null ? 'shared corpora not found at ../shared/corpora (skipping conformance tests)' : null;
if (missing) console.warn(missing);
const buildkit = corpora ? join(corpora, 'buildkit') : '';

function dockerfilesIn(dir: string): string[] {
  return readdirSync(dir)
    .map((f) => join(dir, f))
    .sort();
}

describe.skipIf(missing !== null)('BuildKit parser golden files', () => {
  const dir = join(buildkit, 'parser-testfiles');
  const cases = corpora ? readdirSync(dir).sort() : [];
  it.each(cases)('%s', (name) => {
    const text = readFileSync(join(dir, name, 'Dockerfile'), 'utf8');
    const expected = readFileSync(join(dir, name, 'result'), 'utf8');
    const df = parse(text);
    expect(df.problems.filter((p) => p.phase === 'syntax' && p.severity === 'error')).toEqual([]);
    expect(dump(df)).toBe(expected);
    expect(print(df)).toBe(text);
    expect(unownedText(df)).toEqual([]);
  });
});

describe.skipIf(missing !== null)('BuildKit negative parser files', () => {
  const dir = join(buildkit, 'parser-testfiles-negative');
  const cases = corpora ? readdirSync(dir).sort() : [];
  it.each(cases)('%s is rejected', (name) => {
    const text = readFileSync(join(dir, name, 'Dockerfile'), 'utf8');
    const df = parse(text);
    expect(df.problems.some((p) => p.severity === 'error' && p.phase === 'syntax')).toBe(true);
    expect(print(df)).toBe(text);
  });
});

describe.skipIf(missing !== null)('BuildKit shell lexer tables', () => {
  it('envVarTest', () => {
    const env = new Map([
      ['PWD', '/home'],
      ['SHELL', 'bash'],
      ['KOREAN', '한국어'],
      ['NULL', ''],
    ]);
    const lines = readFileSync(join(buildkit, 'envVarTest'), 'utf8').split('\n');
    let checked = 0;
    for (const [n, raw] of lines.entries()) {
      if (raw.startsWith('#')) continue;
      const line = raw.trim();
      if (line === '') continue;
      const parts = line.split('|');
      expect(parts).toHaveLength(3);
      const [platform, source, expected] = parts.map((p) => p.trim()) as [string, string, string];
      if (platform === 'W') continue;
      const r = expand(source, env);
      const where = `envVarTest line ${n + 1}: ${source}`;
      if (expected === 'error') expect(r.ok, where).toBe(false);
      else {
        expect(r.ok, where).toBe(true);
        if (r.ok) expect(r.value, where).toBe(expected);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('wordsTest', () => {
    const lines = readFileSync(join(buildkit, 'wordsTest'), 'utf8').split('\n');
    const env = new Map<string, string>();
    let checked = 0;
    for (const [n, line] of lines.entries()) {
      if (line.startsWith('#') || line === '') continue;
      if (line.startsWith('ENV ')) {
        const assignment = line.slice(3).replace(/^ +/, '');
        const eq = assignment.indexOf('=');
        env.set(assignment.slice(0, eq), assignment.slice(eq + 1));
        continue;
      }
      const parts = line.split('|');
      expect(parts).toHaveLength(2);
      const test = (parts[0] ?? '').trim();
      const expected = (parts[1] ?? '').replace(/^ +/, '').split(',');
      const r = expand(test, env);
      const words = r.ok ? r.words.map((w) => w.value) : ['error'];
      expect(words, `wordsTest line ${n + 1}: ${test}`).toEqual(expected);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe.skipIf(missing !== null)('real Dockerfiles', () => {
  const sets = ['binnacle-gold', 'awesome-compose'];
  for (const set of sets) {
    const dir = corpora ? join(corpora, 'dockerfiles', set) : '';
    it(`${set}: parses every file without crashing, prints it back byte for byte, RUN bodies parse without shell problems`, () => {
      if (!existsSync(dir)) return;
      const files = dockerfilesIn(dir);
      expect(files.length).toBeGreaterThan(10);
      let shells = 0;
      const shellProblems: string[] = [];
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        const df = parse(text);
        expect(print(df), file).toBe(text);
        expect(unownedText(df), file).toEqual([]);
        for (const node of df.instructions) {
          const slice = text.slice(node.range.start.offset, node.range.end.offset);
          expect(slice.startsWith(node.keywordText), file).toBe(true);
          for (const f of node.flags) expect(text.slice(f.range.start.offset, f.range.end.offset).startsWith('--'), file).toBe(true);
          for (const a of node.args) expect(a.range.start.offset <= a.range.end.offset && a.range.end.offset <= node.range.end.offset, file).toBe(true);
          // argument ranges hold exactly the argument: verbatim for one-line words, the JSON string for exec form
          if (['From', 'Expose', 'Copy', 'Add', 'Cmd', 'Entrypoint', 'Run'].includes(node.keyword)) {
            for (const a of node.args) {
              const slice = text.slice(a.range.start.offset, a.range.end.offset);
              if (node.json) expect(JSON.parse(slice), file).toBe(a.value);
              else if (a.range.start.line === a.range.end.line) expect(slice, file).toBe(a.value);
            }
          }
          if (node.keyword === 'Run' && node.shell) {
            shells++;
            for (const p of node.shell.problems) shellProblems.push(`${file}:${p.range.start.line}: ${p.message}`);
          }
        }
      }
      // every shell-form RUN of these sets (POSIX shells; PowerShell stages have no shell AST) parses cleanly
      expect(shells).toBeGreaterThan(files.length / 2);
      expect(shellProblems).toEqual([]);
    });
  }
});
