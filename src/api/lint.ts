/**
 * `lint()`: find Dockerfiles, lint them with the rule catalogue under the project's configuration and pragmas,
 * optionally fix them (in place, or as a diff), and drop findings a baseline already lists.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { LintConfig } from '../config/schema.js';
import { notFound, ShipshapeError, wrap } from '../internal/errors.js';
import { silent, type EventSink } from '../internal/events.js';
import { readBoundedText } from '../internal/files.js';
import { maxDockerfileBytes, parse } from '../dockerfile/index.js';
import { baseImageOf } from '../lint/base-image.js';
import type { RegistryTaskOptions } from './registry-options.js';
// the lint modules one by one, not the lint/index.js barrel: it re-exports readHadolintConfig, whose yaml and zod
// imports would load on every run (a lint CLI run should start in well under 200 ms)
import { directoryFiles } from '../lint/build-context.js';
import { lintDockerfile, type LintOptions } from '../lint/engine.js';
import { fixText } from '../lint/fix.js';
import { formatters, type FileReport, type Formatter, type LintFormat } from '../lint/formatters/index.js';
import { findHadolintConfig } from '../lint/hadolint-config-file.js';
import { allRules } from '../lint/rules/index.js';
import { severities, type LabelType, type Rule, type Severity } from '../lint/types.js';
import { checkWithShellcheck, shellcheckAvailable } from '../lint/shellcheck.js';

export interface LintRequest {
  /** Files or directories (searched recursively); `-` reads standard input. Default: the working directory. */
  paths?: readonly string[];
  cwd?: string;
  /** The `lint:` section of `.shipshape.yaml`. */
  config?: Partial<LintConfig>;
  /** Apply safe fixes (`fix`) or suggestions too (`all`). */
  fix?: 'fix' | 'all';
  /** With `fix`: write nothing, return a unified diff per file. */
  dryRun?: boolean;
  /** A JSON report of an earlier run: findings with the same fingerprint are not reported. */
  baseline?: string;
  /** More rule ids or aliases to ignore. */
  ignore?: readonly string[];
  /** Run shellcheck on RUN bodies when it is installed (default true). */
  shellcheck?: boolean;
  /** Text of standard input, for the `-` path. */
  stdin?: string;
  events?: EventSink;
  rules?: readonly Rule[];
  /**
   * With `fix: 'all'`, pin tagged base images to the digest their registry serves now (the CLI's default; off by
   * default here, so library callers never reach the network unasked). The registry settings come from `registry`.
   * An unreachable registry leaves the tag and adds a warning.
   */
  pin?: boolean;
  registry?: RegistryTaskOptions;
}

export interface LintReport {
  files: FileReport[];
  counts: Record<Severity, number>;
  /** The threshold in force after config and `.hadolint.yaml`. */
  failureThreshold: Severity | 'none';
  /** True when a finding reaches the failure threshold. */
  failed: boolean;
  /** Findings a baseline hid. */
  baselined: number;
  /** One-line notes for verbose output (shellcheck missing, hadolint config read). */
  notes: string[];
  /** One-line warnings always shown (a base image that could not be pinned). */
  warnings: string[];
  rules: readonly Rule[];
  toolVersion: string;
}

const dockerfileName = /^(Dockerfile|Containerfile)$|\.(Dockerfile|Containerfile)$/i;
const skipDirs = new Set(['node_modules', '.git', '.hg', '.svn', 'vendor', '.venv', 'dist', 'target']);

async function discover(root: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    throw wrap(error, `reading ${root}`);
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.isDirectory()) {
      if (!skipDirs.has(e.name)) await discover(join(root, e.name), out);
    } else if (e.isFile() && dockerfileName.test(e.name)) out.push(join(root, e.name));
  }
}

/** The largest baseline `--baseline` reads, as for scan's: one of every finding of a large repository is a few MiB. */
const maxBaselineBytes = 64 * 1024 * 1024;

async function readBaseline(path: string): Promise<Set<string>> {
  const text = await readBoundedText(path, maxBaselineBytes, 'a baseline').catch((error: unknown) => {
    if (error instanceof ShipshapeError && error.code === 'not-found') throw notFound(path, 'baseline file not found', error);
    throw error;
  });
  // loaded only with a baseline: its schema brings zod
  const { parseLintBaseline } = await import('../lint/baseline.js');
  return parseLintBaseline(text, path);
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const mode = (await stat(path)).mode & 0o7777;
    await writeFile(temp, text, { mode });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw wrap(error, `writing ${path}`);
  }
}

/** Lints (and fixes) Dockerfiles. Bad input is findings; unreadable paths and a bad baseline are errors. */
export async function lint(request: LintRequest = {}): Promise<LintReport> {
  const cwd = request.cwd ?? process.cwd();
  const events = request.events ?? silent;
  const config = request.config ?? {};
  const notes: string[] = [];
  const ignored = [...(config.ignored ?? []), ...(request.ignore ?? [])];
  let severity: Record<string, Severity | 'off'> = { ...(config.severity ?? {}) };
  let trustedRegistries = [...(config.trustedRegistries ?? [])];
  let failureThreshold: Severity | 'none' = config.failureThreshold ?? 'warning';
  let labelSchema: Record<string, LabelType> = { ...(config.labelSchema ?? {}) };
  let strictLabels = config.strictLabels;
  if (config.hadolint !== false) {
    const path = findHadolintConfig(cwd);
    if (path) {
      const { readHadolintConfig } = await import('../lint/hadolint-config.js');
      const h = readHadolintConfig(path);
      notes.push(`read ${relative(cwd, path) || path}`);
      ignored.push(...h.ignored);
      severity = { ...h.severity, ...severity };
      if (trustedRegistries.length === 0) trustedRegistries = h.trustedRegistries;
      if (config.failureThreshold === undefined && h.failureThreshold !== undefined) failureThreshold = h.failureThreshold;
      // .shipshape.yaml's own label schema wins label by label
      labelSchema = { ...h.labelSchema, ...labelSchema };
      strictLabels ??= h.strictLabels;
    }
  }
  const labelSettings = { labelSchema, strictLabels: strictLabels ?? false };
  const rules = request.rules ?? allRules;
  const baseline = request.baseline ? await readBaseline(resolve(cwd, request.baseline)) : undefined;

  // which files
  const targets: { file: string; path: string | null }[] = [];
  for (const p of request.paths && request.paths.length > 0 ? request.paths : ['.']) {
    if (p === '-') {
      targets.push({ file: '<stdin>', path: null });
      continue;
    }
    const abs = resolve(cwd, p);
    let s;
    try {
      s = await stat(abs);
    } catch (error) {
      throw wrap(error, `reading ${p}`);
    }
    if (s.isDirectory()) {
      const found: string[] = [];
      await discover(abs, found);
      for (const f of found) targets.push({ file: relative(cwd, f) || f, path: f });
    } else targets.push({ file: p, path: abs });
  }
  if (targets.length === 0) throw notFound(request.paths?.join(' ') ?? cwd, 'no Dockerfile, *.Dockerfile or Containerfile found');

  const useShellcheck = request.shellcheck !== false && shellcheckAvailable();
  if (request.shellcheck !== false && !useShellcheck) notes.push('shellcheck is not installed: RUN bodies were not checked with it (apt-get install shellcheck)');

  const warnings: string[] = [];
  const pinning = request.fix === 'all' && request.pin === true ? new DigestResolver(request.registry ?? {}, warnings) : undefined;

  const files: FileReport[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, style: 0 };
  let baselined = 0;
  // progress only for long runs: a handful of files lints in milliseconds
  const showProgress = targets.length > 50;
  if (showProgress) events({ kind: 'task-start', id: 'lint', title: 'linting Dockerfiles', total: targets.length, unit: 'items' });
  for (const [n, t] of targets.entries()) {
    let source: string;
    if (t.path === null) source = request.stdin ?? '';
    else {
      // bounded and never blocking: a FIFO in place of a Dockerfile is refused instead of waited on
      source = await readBoundedText(t.path, maxDockerfileBytes, 'a Dockerfile');
    }
    const options: LintOptions = {
      file: t.file,
      rules,
      settings: { trustedRegistries, ...labelSettings },
      files: t.path === null ? directoryFiles(cwd) : directoryFiles(dirname(t.path)),
      ignore: ignored,
      severityOverrides: severity,
    };
    const report: FileReport = { file: t.file, findings: [], applied: [], ruleFailures: [] };
    let result;
    if (pinning) options.settings = { trustedRegistries, ...labelSettings, digests: await pinning.resolve(source) };
    if (request.fix) {
      const fixed = fixText(source, { ...options, mode: request.fix });
      report.applied = fixed.applied;
      result = fixed.result;
      if (fixed.changed) {
        if (request.dryRun || t.path === null) report.diff = (await import('diff')).createTwoFilesPatch(t.file, t.file, source, fixed.output, '', '', { context: 3 });
        else await writeAtomic(t.path, fixed.output);
      }
    } else {
      result = lintDockerfile(parse(source), options);
    }
    report.findings = result.findings;
    report.ruleFailures = result.ruleFailures;
    if (useShellcheck) report.findings.push(...checkWithShellcheck(result.dockerfile, t.file, options));
    if (baseline) {
      const before = report.findings.length;
      report.findings = report.findings.filter((f) => !baseline.has(f.fingerprint));
      baselined += before - report.findings.length;
    }
    for (const f of report.findings) counts[f.severity]++;
    files.push(report);
    if (showProgress) events({ kind: 'task-progress', id: 'lint', done: n + 1, total: targets.length, unit: 'items' });
  }
  if (showProgress) events({ kind: 'task-end', id: 'lint' });
  const limit = failureThreshold === 'none' ? -1 : severities.indexOf(failureThreshold);
  const failed = files.some((f) => f.findings.some((x) => severities.indexOf(x.severity) <= limit));
  return { files, counts, failureThreshold, failed, baselined, notes, warnings, rules, toolVersion: toolVersion() };
}

/**
 * Digests of the tagged base images a Dockerfile names, from their registries (HEAD of the manifest, as
 * `shipshape digest` does), each asked once per run. Failures (offline, unreachable, unknown tag) leave the base
 * unpinned with a warning: pinning is a suggestion, never a reason for lint to fail.
 */
class DigestResolver {
  private readonly known = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly registry: RegistryTaskOptions,
    private readonly warnings: string[],
  ) {}

  async resolve(source: string): Promise<Map<string, string>> {
    const images = new Set<string>();
    for (const stage of parse(source).stages) {
      const base = baseImageOf(stage);
      const written = stage.from.image?.value;
      if (base.kind !== 'image' || !base.ref || base.ref.digest || base.ref.tag === undefined || written === undefined || written.includes('$')) continue;
      images.add(written);
    }
    const out = new Map<string, string>();
    await Promise.all(
      [...images].map(async (image) => {
        let pending = this.known.get(image);
        if (!pending) {
          pending = this.lookUp(image);
          this.known.set(image, pending);
        }
        const digest = await pending;
        if (digest !== undefined) out.set(image, digest);
      }),
    );
    return out;
  }

  private async lookUp(image: string): Promise<string | undefined> {
    const { digest } = await import('./digest.js');
    // A lint run should not wait a registry's full timeout and retries for a suggestion: each request gets at most
    // 15 s and one retry. With `registry.timeout` unset, the idle limit follows this shorter deadline as it follows
    // any deadline (a third of it, see defaultIdleTimeout): 5 s rather than the 15 s of a 45 s deadline, so that a
    // manifest or token answer whose body stops is cut and asked for again once before the 15 s are spent; an idle
    // limit of 15 s would meet the deadline, which would then always end the request first, never retried.
    const registry = this.registry.config?.registry;
    const config = this.registry.config ? { ...this.registry.config, ...(registry ? { registry: { ...registry, ...(registry.timeout === undefined ? {} : { timeout: Math.min(registry.timeout, 15) }), deadline: Math.min(registry.deadline, 15), retries: Math.min(registry.retries, 1) } } : {}) } : undefined;
    try {
      return (await digest(image, { ...this.registry, ...(config ? { config } : {}) })).digest;
    } catch (error) {
      const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
      this.warnings.push(`${image} left unpinned: ${reason}`);
      return undefined;
    }
  }
}

let version: string | undefined;

/** shipshape's version, for reports that name the tool. */
function toolVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}

/** The formatter of an output format; unknown formats are a usage error. */
export function lintFormatter(format: string): Formatter {
  if (!(format in formatters)) throw new ShipshapeError('usage', `lint cannot print "${format}"; choose one of ${Object.keys(formatters).join(', ')}`);
  return formatters[format as LintFormat];
}

/** The rule catalogue as text (a table) or JSON. */
export function describeRules(format: string): string {
  const rows = allRules.map((r) => ({ id: r.meta.id, severity: r.meta.severity, category: r.meta.category, fixable: r.meta.fixable ?? null, aliases: r.meta.aliases, description: r.meta.description }));
  if (format === 'json') return JSON.stringify(rows, null, 2);
  return rows.map((r) => `${r.id.padEnd(32)} ${r.severity.padEnd(7)} ${r.category.padEnd(15)} ${(r.fixable ?? '').padEnd(10)} ${r.aliases.join(' ')}`).join('\n');
}
