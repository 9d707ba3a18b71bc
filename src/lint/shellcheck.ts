/**
 * ShellCheck on shell-form RUN bodies, when the `shellcheck` program is installed (Debian package `shellcheck`):
 * all bodies of a file go to one `shellcheck -f json1` process, and each SC finding points at its RUN. Pragmas
 * (`# hadolint ignore=SC2086`, global ignores) and config ignores apply as for rules.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Dockerfile, RunInstruction } from '../dockerfile/index.js';
import type { LintOptions } from './engine.js';
import { readPragmas } from './pragmas.js';
import { RuleNameSet } from './rule-names.js';
import type { Finding, Severity } from './types.js';

/** Checks that do not apply to a RUN body: sourced files and variables come from the image and ENV. */
const excluded = ['SC1090', 'SC1091', 'SC2154', 'SC2187'];

let available: boolean | undefined;

/** True when a `shellcheck` program answers. */
export function shellcheckAvailable(): boolean {
  available ??= spawnSync('shellcheck', ['--version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  return available;
}

interface Json1 {
  comments: { line: number; column: number; level: string; code: number; message: string }[];
}

const levels: Record<string, Severity> = { error: 'error', warning: 'warning', info: 'info', style: 'style' };

/** SC findings for the RUN bodies of a parsed Dockerfile; empty when shellcheck is absent or fails. */
export function checkWithShellcheck(df: Dockerfile, file: string, options: Pick<LintOptions, 'ignore'>): Finding[] {
  const runs = df.instructions.filter((i): i is RunInstruction => i.keyword === 'Run' && !i.json && i.heredocs.length === 0);
  if (runs.length === 0 || !shellcheckAvailable()) return [];
  const bash = df.instructions.some((i) => i.keyword === 'Shell' && /bash/.test(i.argsText));
  let script = `#!/bin/${bash ? 'bash' : 'sh'}\n`;
  const starts: { line: number; run: RunInstruction }[] = [];
  let line = 2;
  for (const run of runs) {
    const text = run.shell?.text ?? run.argsText;
    starts.push({ line, run });
    script += `${text}\n`;
    line += text.split('\n').length;
  }
  const r = spawnSync('shellcheck', ['-f', 'json1', '-e', excluded.join(','), '-'], { input: script, encoding: 'utf8', timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
  if (r.error || (r.status !== 0 && r.status !== 1)) return [];
  let parsed: Json1;
  try {
    parsed = JSON.parse(r.stdout) as Json1;
  } catch {
    return [];
  }
  const pragmas = readPragmas(df);
  const ignored = new RuleNameSet(options.ignore ?? []);
  const out: Finding[] = [];
  for (const c of parsed.comments) {
    const code = `SC${c.code}`;
    const owner = [...starts].reverse().find((s) => s.line <= c.line);
    if (!owner || ignored.hasName(code) || pragmas.global.hasName(code) || pragmas.forInstruction(owner.run)?.hasName(code)) continue;
    out.push({
      ruleId: code,
      messageId: code,
      aliases: [],
      severity: levels[c.level] ?? 'info',
      category: 'correctness',
      message: c.message,
      file,
      range: owner.run.range,
      docUrl: `https://www.shellcheck.net/wiki/${code}`,
      fixable: null,
      fingerprint: createHash('sha256').update(`${code}\0${file}\0${owner.run.logicalText}\0${c.message}`).digest('hex').slice(0, 16),
    });
  }
  return out;
}
