/**
 * `check()`: one project to a measured before/after. The project is copied to a scratch directory; the copy
 * "before" keeps the user's Dockerfile, the copy "after" gets `lint --fix=all` applied to it (or `init`'s
 * Dockerfile when there is none) and a generated `.dockerignore`. With an engine both are built cold and rebuilt
 * after one source file changes, then read back and measured (analyze, SBOM, scan, secrets); a Node.js app is
 * also assembled daemonlessly (`build()`) and measured the same way. Nothing is written into the project unless
 * `write` is set, and then only the Dockerfile and `.dockerignore`. A folder a workspace above has as a member is
 * refused as `init` refuses it (the copies would hold it without the workspace its build needs), naming
 * `shipshape check ROOT --app MEMBER`.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { appendFile, cp, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import { basename, join, relative, resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { Config } from '../config/schema.js';
import { afterState } from '../check/compare.js';
import { compressedSize } from '../check/compressed-size.js';
import { engineBuild, engineDiffIds, type EngineOptions, finalBase, probeEngine, removeLabelledImages, substituteBases } from '../check/engine.js';
import { type BuildTimes, type CheckReport, checkSchemaVersion, type CheckState, type FileChange, type ImageMeasurement, type LintFindingSummary, type StateId } from '../check/model.js';
import { mergeDockerignore } from '../context/index.js';
import { type DetectedApp, detectAppForBuild, WorkspaceMemberError } from '../generate/index.js';
import type { Image } from '../image/types.js';
import { externalFailure, invalidInput, ShipshapeError, wrap } from '../internal/errors.js';
import { type EventSink, silent } from '../internal/events.js';
import { readTextIfExists } from '../internal/files.js';
import { analyze, type AnalysisReport, type GateResult, type Thresholds } from './analyze.js';
import { build } from './build.js';
import { context } from './context.js';
import { init } from './init.js';
import { lint } from './lint.js';
import { openImage } from './open-image.js';
import { sbom } from './sbom.js';
import { dbStatus, scan } from './scan.js';
import { findSecretsIn } from './secrets.js';
import { npmEnv } from '../internal/npm-env.js';

export type { CheckReport, CheckState, ImageMeasurement, StateId } from '../check/model.js';

export interface CheckOptions {
  /** The project directory (default: the working directory). */
  dir?: string;
  /** `.shipshape.yaml` as loaded: engine, lint, analyze thresholds. */
  config: Config;
  /** Where the vulnerability database and build caches live. */
  cacheDir: string;
  /** `FROM=TO` substitutions for the engine builds (mirrors, local stand-ins); what is shown and written keeps the original names. */
  baseMap?: Record<string, string>;
  /** Do not use an engine even when one answers. */
  noEngine?: boolean;
  /** Generate without COPY --link and heredocs; default: when the engine lacks them (Docker before 23.0, Podman before 5.0, as `init` decides). */
  compat?: boolean;
  /** `--app PATH` when the project has several apps. */
  app?: string;
  /** Write the after Dockerfile and `.dockerignore` into the project. */
  write?: boolean;
  /**
   * Keep the images the engine builds (`shipshape-check/STATE:ID`, and `…-cold` for the first build). By default
   * every image the run built — found by its `shipshape.check.run` label — is removed at the end, also when a
   * build failed or the run was aborted.
   */
  keepImages?: boolean;
  /** Thresholds for the after state (default: `config.analyze.thresholds`). */
  thresholds?: Thresholds;
  events?: EventSink;
  /**
   * Aborting it removes the scratch directory at once (synchronously, so a caller about to exit leaves nothing
   * behind) and makes the run stop at its next step with the signal's reason. The library installs no signal
   * handlers; the CLI aborts this on SIGINT/SIGTERM.
   */
  signal?: AbortSignal;
}

const dockerfileNames = ['Dockerfile', 'Containerfile'];
const sourceExtensions: Record<string, string> = { '.js': '//', '.mjs': '//', '.cjs': '//', '.ts': '//', '.go': '//', '.java': '//', '.kt': '//', '.rs': '//', '.py': '#', '.rb': '#', '.php': '//' };
const skipDirs = new Set(['node_modules', '.git', 'dist', 'build', 'target', 'vendor', '.venv', '__pycache__', 'coverage']);

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The source file whose content changes for the warm rebuild: the app's entry when it is a source, else the shallowest source file. */
async function pickSourceFile(root: string, app: DetectedApp | undefined): Promise<string | undefined> {
  if (app?.ecosystem === 'node') {
    const entry = join(app.path, app.entry);
    if ((await isFile(join(root, entry))) && !entry.startsWith(`${app.outDir}/`)) return entry;
  }
  const queue = [''];
  while (queue.length > 0) {
    const dir = queue.shift() ?? '';
    let entries;
    try {
      entries = await readdir(join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    const file = entries.find((e) => e.isFile() && Object.keys(sourceExtensions).some((x) => e.name.endsWith(x)) && !e.name.endsWith('.d.ts') && !/^(build|webpack|vite|rollup|babel|jest|eslint)\./.test(e.name));
    if (file) return dir === '' ? file.name : `${dir}/${file.name}`;
    for (const e of entries) if (e.isDirectory() && !skipDirs.has(e.name) && !e.name.startsWith('.')) queue.push(dir === '' ? e.name : `${dir}/${e.name}`);
  }
  return undefined;
}

/** Appends a unique comment (an earlier run's identical edit would still be in the build cache). */
async function changeSource(root: string, file: string): Promise<void> {
  const ext = Object.keys(sourceExtensions).find((x) => file.endsWith(x)) ?? '.js';
  await appendFile(join(root, file), `\n${sourceExtensions[ext] ?? '//'} shipshape check ${randomUUID()}\n`);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

interface Measured {
  measurement: ImageMeasurement;
  report: AnalysisReport;
  gate: GateResult;
}

/** How many leading layers of `image` are the base's (the longest common prefix of diff IDs). */
function sharedPrefix(image: Image, baseDiffIds: readonly string[] | undefined): number {
  if (baseDiffIds === undefined) return 0;
  let n = 0;
  while (n < baseDiffIds.length && n < image.layers.length && image.layers[n]?.diffId === baseDiffIds[n]) n += 1;
  return n;
}

/**
 * Reads an image once per engine (analyze, SBOM, secrets) and summarises it. Secrets are looked for in the layers
 * the project added (from `baseLayers` on) and in the config: the base's files are the same in every state, and
 * reading every text file of a 150 MB base takes a minute.
 */
async function measureImage(image: Image, reference: string, options: { cacheDir: string; thresholds: Thresholds; events: EventSink; baseLayers: number }): Promise<Measured> {
  const { report, gate } = await analyze(image, { reference, thresholds: options.thresholds, events: options.events });
  const doc = await sbom({ image }, { name: reference, events: options.events });
  const packagesByType: Record<string, number> = {};
  for (const p of doc.packages) packagesByType[p.type] = (packagesByType[p.type] ?? 0) + 1;
  const { result } = scan(doc, options.cacheDir);
  let vulnerabilities: ImageMeasurement['vulnerabilities'];
  if (result.db.records > 0) {
    const counts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
    for (const m of result.matches) counts[m.severity] += 1;
    vulnerabilities = counts;
  }
  // the same image with only the project's layers: a view, the layers are read from the source as before
  const ownLayers = Object.create(image, { layers: { value: image.layers.slice(options.baseLayers) } }) as Image;
  const secrets = (await findSecretsIn({ image: ownLayers })).map((s) => ({
    rule: s.rule,
    redacted: s.redacted,
    where: s.location.kind === 'layer' ? `layer ${s.location.layer + options.baseLayers} ${s.location.path}:${s.location.line}` : s.location.kind === 'config' ? `config ${s.location.field}` : `${s.location.path}:${s.location.line}`,
  }));
  const user = report.security.user;
  const measurement: ImageMeasurement = {
    reference,
    digest: image.digest,
    compressedBytes: await compressedSize(image),
    uncompressedBytes: report.sizes.uncompressedSize,
    visibleBytes: report.sizes.visibleSize,
    layers: report.sizes.layers.length,
    baseLayers: options.baseLayers,
    wastedBytes: report.waste.corrected.wastedBytes,
    efficiency: report.waste.corrected.efficiency,
    removable: report.removable.categories.map((c) => ({ id: c.id, title: c.title, files: c.files, bytes: c.bytes })),
    removableBytes: report.removable.bytes,
    packages: doc.packages.length,
    packagesByType,
    ...(vulnerabilities === undefined ? {} : { vulnerabilities }),
    user: user.configured === '' ? 'root' : user.configured,
    runsAsRoot: user.root,
    secrets,
  };
  return { measurement, report, gate };
}

/** The label every image a check builds carries; its value is the run's id. */
export const checkRunLabel = 'shipshape.check.run';

interface Scratch {
  root: string;
  /** The value of `checkRunLabel` on this run's images. */
  runId: string;
  /** Whether the engine built anything (so there may be images to remove). */
  engineUsed: boolean;
  signal: AbortSignal | undefined;
}

/** Builds one state with the engine (cold, then warm after a source change) and measures the image. */
async function engineState(
  state: CheckState,
  dir: string,
  scratch: Scratch,
  engine: EngineOptions,
  options: { baseMap: Record<string, string>; sourceFile: string | undefined; dockerfile: string; config: Config; cacheDir: string; thresholds: Thresholds; events: EventSink },
): Promise<Measured | undefined> {
  const dockerfilePath = join(scratch.root, `${state.id}.Dockerfile`);
  await writeFile(dockerfilePath, substituteBases(options.dockerfile, options.baseMap));
  const tag = `shipshape-check/${state.id}:${scratch.runId}`;
  const build = { context: dir, dockerfile: dockerfilePath, labels: { [checkRunLabel]: scratch.runId }, ...(scratch.signal === undefined ? {} : { signal: scratch.signal }) };
  scratch.engineUsed = true;
  const id = `check-${state.id}`;
  options.events({ kind: 'task-start', id, title: `building "${state.title}" with ${engine.cli} (no cache)` });
  try {
    // the first build gets a tag of its own: the rebuild takes over the main tag, and a failed rebuild leaves the first to measure
    let built = `${tag}-cold`;
    const cold = await engineBuild(engine, { ...build, tag: built, noCache: true });
    scratch.signal?.throwIfAborted();
    if (!cold.ok) {
      state.note = `could not build: ${cold.reason}`;
      state.failure = 'external';
      return undefined;
    }
    const times: BuildTimes = { coldSeconds: cold.seconds };
    if (options.sourceFile !== undefined) {
      await changeSource(dir, options.sourceFile);
      const warm = await engineBuild(engine, { ...build, tag, noCache: false });
      scratch.signal?.throwIfAborted();
      if (warm.ok) {
        times.warmSeconds = warm.seconds;
        times.changedFile = options.sourceFile;
        built = tag;
      } else state.note = `the rebuild after changing ${options.sourceFile} failed: ${warm.reason}`;
    }
    state.build = times;
    state.built = true;
    const base = finalBase(substituteBases(options.dockerfile, options.baseMap));
    const baseDiffIds = base === undefined ? undefined : await engineDiffIds(engine, base);
    const opened = await openImage(`docker-daemon:${built}`, { config: options.config, events: options.events });
    try {
      const measured = await measureImage(opened.image, `docker-daemon:${built}`, { ...options, baseLayers: sharedPrefix(opened.image, baseDiffIds) });
      state.image = measured.measurement;
      return measured;
    } finally {
      await opened.close();
    }
  } finally {
    options.events({ kind: 'task-end', id });
  }
}

/**
 * Assembles a Node.js app with `build()` — no engine — cold, then again after one source file changes, into OCI
 * layouts in the scratch directory, and measures the second image as the engine states measure theirs.
 */
async function daemonlessState(state: CheckState, dir: string, scratch: Scratch, options: { sourceFile: string | undefined; config: Config; cacheDir: string; thresholds: Thresholds; events: EventSink; prebuild?: (cold: boolean) => Promise<void> }): Promise<Measured | undefined> {
  const id = 'check-daemonless';
  options.events({ kind: 'task-start', id, title: 'assembling the app with shipshape build (no engine)' });
  try {
    // an interrupt stops the daemonless build too (its npm ci, its write), not only the engine builds
    const request = { dir, config: options.config, cacheDir: options.cacheDir, events: options.events, ...(scratch.signal === undefined ? {} : { signal: scratch.signal }) };
    let layout = join(scratch.root, 'daemonless-cold');
    let built;
    try {
      let started = performance.now();
      await options.prebuild?.(true);
      built = await build({ ...request, outputImage: `oci:${layout}:check` });
      const times: BuildTimes = { coldSeconds: (performance.now() - started) / 1000 };
      if (options.sourceFile !== undefined) {
        await changeSource(dir, options.sourceFile);
        layout = join(scratch.root, 'daemonless-warm');
        started = performance.now();
        await options.prebuild?.(false);
        built = await build({ ...request, outputImage: `oci:${layout}:check` });
        times.warmSeconds = (performance.now() - started) / 1000;
        times.changedFile = options.sourceFile;
      }
      state.build = times;
    } catch (error) {
      if (!(error instanceof ShipshapeError) || error.code === 'internal') throw error;
      state.note = `could not build: ${firstLine(error)}`;
      if (error.code === 'external') state.failure = 'external';
      return undefined;
    }
    state.built = true;
    const reference = `oci:${layout}:check`;
    const opened = await openImage(reference, { config: options.config, events: options.events });
    try {
      const baseLayers = built.layers.filter((l) => l.role === 'base').length;
      const measured = await measureImage(opened.image, `shipshape build → ${built.digest}`, { ...options, baseLayers });
      state.image = measured.measurement;
      return measured;
    } finally {
      await opened.close();
    }
  } finally {
    options.events({ kind: 'task-end', id });
  }
}

const execFileAsync = promisify(execFile);

/**
 * The daemonless column on an app whose entry is a build output (`dist/`): `npm ci` with dev dependencies (or
 * `npm install` without a lockfile) on the cold build, then `npm run build`, in the scratch copy. Null when the
 * package.json has no `build` script.
 */
async function npmPrebuild(dir: string, events: EventSink, signal: AbortSignal | undefined): Promise<((cold: boolean) => Promise<void>) | null> {
  let pkg: unknown;
  try {
    pkg = JSON.parse((await readTextIfExists(join(dir, 'package.json'))) ?? '{}');
  } catch {
    return null;
  }
  const scripts = (pkg as { scripts?: unknown } | null)?.scripts;
  if (typeof scripts !== 'object' || scripts === null || typeof (scripts as Record<string, unknown>).build !== 'string') return null;
  const hasLock = await isFile(join(dir, 'package-lock.json'));
  const npm = async (args: string[]): Promise<void> => {
    const shown = `npm ${args.join(' ')}`;
    events({ kind: 'task-start', id: 'check-prebuild', title: `daemonless: ${shown} in the scratch copy (the entry is a build output)` });
    try {
      await execFileAsync('npm', args, { cwd: dir, env: npmEnv({ NODE_ENV: 'development' }), maxBuffer: 64 * 1024 * 1024, ...(signal === undefined ? {} : { signal }) });
    } catch (error) {
      const stderr = (error as { stderr?: unknown }).stderr;
      const last = typeof stderr === 'string' ? stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-1)[0] : undefined;
      const message = `${shown} failed${last === undefined ? '' : `: ${last}`}`;
      throw args[0] === 'run' ? invalidInput(join(dir, 'package.json'), message) : externalFailure(join(dir, 'package.json'), message, error);
    } finally {
      events({ kind: 'task-end', id: 'check-prebuild' });
    }
  };
  return async (cold) => {
    if (cold) await npm(hasLock ? ['ci', '--include=dev', '--no-audit', '--no-fund'] : ['install', '--include=dev', '--no-audit', '--no-fund']);
    await npm(['run', 'build']);
  };
}

/**
 * The project's `.dockerignore` with the recommended patterns it lacks appended (the user's lines and order kept;
 * none that excludes what the after Dockerfile copies by name), written into the after copy; the notes say what.
 */
async function mergeIgnoreInto(contextDir: string, dockerfile: string, existing: string, recommended: string): Promise<string[]> {
  const merged = await mergeDockerignore({ dir: contextDir, dockerfile, existing, recommended });
  if (merged.added.length > 0) await writeFile(join(contextDir, '.dockerignore'), merged.text);
  const n = merged.added.length;
  return [n === 0 ? "the project's .dockerignore has every recommended pattern (kept as it is)" : `.dockerignore: your lines kept, ${String(n)} recommended pattern${n === 1 ? '' : 's'} appended`, ...merged.skipped.map((x) => `.dockerignore: left out ${x}`)];
}

async function writeProjectFile(path: string, text: string): Promise<void> {
  const temp = join(resolve(path, '..'), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw wrap(error, `writing ${path}`);
  }
}

/** Lints, fixes or generates, builds and measures a project before and after; see the module comment. */
export async function check(options: CheckOptions): Promise<CheckReport> {
  const events = options.events ?? silent;
  const project = resolve(options.dir ?? '.');
  try {
    if (!(await stat(project)).isDirectory()) throw invalidInput(project, 'is not a directory');
  } catch (error) {
    if (error instanceof ShipshapeError) throw error;
    throw wrap(error, `reading ${project}`);
  }
  const config = options.config;
  const thresholds = options.thresholds ?? config.analyze.thresholds;
  const baseMap = options.baseMap ?? {};
  const notes: string[] = [];

  let app: DetectedApp | undefined;
  try {
    app = await detectAppForBuild(project, options.app, 'check');
  } catch (error) {
    // a workspace member builds from the workspace root, which the scratch copies of this folder would lack: every
    // state would measure the member alone (the generated Dockerfile, the daemonless build, the .dockerignore)
    if (error instanceof WorkspaceMemberError || !(error instanceof ShipshapeError) || error.code === 'internal') throw error;
    app = undefined;
    notes.push(`no app detected: ${firstLine(error)}`);
  }
  // the Dockerfile of the app's build context, else of the project root
  const contextDir = app === undefined ? '.' : app.context;
  let dockerfileName: string | undefined;
  for (const name of dockerfileNames) if (await isFile(join(project, contextDir, name))) dockerfileName ??= name;
  if (dockerfileName === undefined && app === undefined) throw invalidInput(project, 'has no Dockerfile and no app `shipshape init` can detect');
  const dockerfileRel = join(contextDir, dockerfileName ?? 'Dockerfile');

  const engine: EngineOptions = { cli: config.engine.cli, ...(config.engine.network === undefined ? {} : { network: config.engine.network }), ...(config.engine.host === undefined ? {} : { host: config.engine.host }) };
  const probe = options.noEngine === true ? { available: false, reason: '--no-engine given' } : await probeEngine(engine);
  // the engine that builds decides compat as it does for `init` (Docker before 23.0, Podman before 5.0), with init's note
  const compatChoice = options.compat !== undefined ? { compat: options.compat } : probe.available && probe.version !== undefined ? { engine: () => Promise.resolve({ version: probe.version ?? '', podman: probe.podman === true }) } : {};

  const signal = options.signal;
  signal?.throwIfAborted();
  const scratch: Scratch = { root: await mkdtemp(join(tmpdir(), 'shipshape-check-')), runId: randomBytes(6).toString('hex'), engineUsed: false, signal };
  const dispose = (): void => {
    rmSync(scratch.root, { recursive: true, force: true });
  };
  signal?.addEventListener('abort', dispose, { once: true });
  try {
    signal?.throwIfAborted();
    const beforeDir = join(scratch.root, 'before');
    const afterDir = join(scratch.root, 'after');
    events({ kind: 'task-start', id: 'check-copy', title: 'copying the project to a scratch directory' });
    for (const dest of [beforeDir, afterDir]) {
      try {
        await cp(project, dest, { recursive: true, verbatimSymlinks: true });
      } catch (error) {
        throw wrap(error, `copying ${project}`);
      }
    }
    events({ kind: 'task-end', id: 'check-copy' });

    signal?.throwIfAborted();
    // lint (before) and the after Dockerfile
    let findings: LintFindingSummary[] = [];
    const fixed: string[] = [];
    let beforeDockerfile: string | undefined;
    const afterIgnorePath = join(afterDir, contextDir, '.dockerignore');
    if (dockerfileName !== undefined) {
      beforeDockerfile = await readTextIfExists(join(beforeDir, dockerfileRel));
      const linted = await lint({ paths: [join(beforeDir, dockerfileRel)], cwd: beforeDir, config: config.lint, events });
      findings = linted.files.flatMap((f) => f.findings.map((x) => ({ rule: x.ruleId, severity: x.severity, line: x.range.start.line, message: x.message })));
      const fixedRun = await lint({ paths: [join(afterDir, dockerfileRel)], cwd: afterDir, config: config.lint, fix: 'all', events });
      for (const f of fixedRun.files) for (const a of f.applied) fixed.push(a.ruleId);
      const suggested = (await context({ dir: join(afterDir, contextDir) })).suggestedDockerignore;
      const existingIgnore = await readTextIfExists(afterIgnorePath);
      if (existingIgnore === undefined) await writeFile(afterIgnorePath, suggested);
      else {
        // the user's file, with the recommended patterns it lacks appended (none that excludes what the fixed Dockerfile copies)
        notes.push(...(await mergeIgnoreInto(join(afterDir, contextDir), join(afterDir, dockerfileRel), existingIgnore, suggested)));
      }
    } else {
      const generated = await init({ dir: afterDir, ...compatChoice, events, ...(options.app === undefined ? {} : { app: options.app }) });
      notes.push(...generated.notes);
      const existingIgnore = await readTextIfExists(afterIgnorePath);
      if (existingIgnore !== undefined && generated.files.some((f) => f.path.endsWith('.dockerignore') && f.action === 'differs')) {
        notes.push(...(await mergeIgnoreInto(join(afterDir, contextDir), join(afterDir, dockerfileRel), existingIgnore, generated.dockerignore)));
      }
    }
    const afterDockerfile = (await readTextIfExists(join(afterDir, dockerfileRel))) ?? '';

    signal?.throwIfAborted();
    // the build context, before and after
    const beforeContext = await context({ dir: join(beforeDir, contextDir) });
    const afterContext = await context({ dir: join(afterDir, contextDir) });

    // what --write would change in the project
    const changes: FileChange[] = [];
    for (const name of [dockerfileRel, join(contextDir, '.dockerignore')]) {
      const shown = relative('.', name);
      const mine = (await readTextIfExists(join(afterDir, name))) ?? '';
      const theirs = await readTextIfExists(join(project, name));
      if (theirs === mine) changes.push({ path: shown, action: 'unchanged' });
      else changes.push({ path: shown, action: theirs === undefined ? 'created' : 'changed', diff: createTwoFilesPatch(`a/${shown}`, `b/${shown}`, theirs ?? '', mine, theirs === undefined ? '(none)' : 'project', 'shipshape') });
    }

    signal?.throwIfAborted();
    const sourceFile = await pickSourceFile(beforeDir, app);
    const states: CheckState[] = [];
    const before: CheckState = { id: 'before', title: 'before', how: dockerfileName === undefined ? 'no Dockerfile' : `your ${dockerfileName}`, built: false, ...(beforeDockerfile === undefined ? {} : { dockerfile: beforeDockerfile }) };
    const after: CheckState = { id: 'after', title: 'after', how: dockerfileName === undefined ? 'shipshape init' : 'lint --fix=all + .dockerignore', built: false, dockerfile: afterDockerfile };
    states.push(before, after);
    const measured = new Map<StateId, Measured>();
    const common = { baseMap, sourceFile, config, cacheDir: options.cacheDir, thresholds, events };
    if (!probe.available) {
      // why there is none is the report's engine line (once)
      const why = 'not built: no engine';
      before.note = dockerfileName === undefined ? 'no Dockerfile' : why;
      after.note = why;
    } else {
      if (beforeDockerfile === undefined) before.note = 'no Dockerfile to build';
      else {
        const m = await engineState(before, join(beforeDir, contextDir), scratch, engine, { ...common, dockerfile: beforeDockerfile });
        if (m) measured.set('before', m);
      }
      const m = await engineState(after, join(afterDir, contextDir), scratch, engine, { ...common, dockerfile: afterDockerfile });
      if (m) measured.set('after', m);
    }

    signal?.throwIfAborted();
    if (app?.ecosystem === 'node') {
      const daemonless: CheckState = { id: 'daemonless', title: 'daemonless', how: 'shipshape build (no engine)', built: false };
      states.push(daemonless);
      const daemonlessDir = join(scratch.root, 'daemonless');
      try {
        await cp(project, daemonlessDir, { recursive: true, verbatimSymlinks: true });
      } catch (error) {
        throw wrap(error, `copying ${project}`);
      }
      const prebuild = await npmPrebuild(join(daemonlessDir, app.path), events, signal);
      const m = await daemonlessState(daemonless, join(daemonlessDir, app.path), scratch, { ...(prebuild === null ? {} : { prebuild }), sourceFile: sourceFile === undefined ? undefined : relative(app.path, sourceFile), config, cacheDir: options.cacheDir, thresholds, events });
      if (m) measured.set('daemonless', m);
    }

    signal?.throwIfAborted();
    // notes name the project, never the scratch copy
    for (const state of states) {
      if (state.note === undefined) continue;
      for (const dir of [join(scratch.root, 'daemonless'), beforeDir, afterDir]) state.note = state.note.split(dir).join(project);
    }

    const report: CheckReport = {
      schemaVersion: checkSchemaVersion,
      project: relative(process.cwd(), project) || '.',
      ...(app === undefined ? {} : { app: { ecosystem: app.ecosystem, name: app.name, path: app.path } }),
      engine: { cli: engine.cli, available: probe.available, ...(probe.version === undefined ? {} : { version: probe.version }), ...(probe.reason === undefined ? {} : { reason: probe.reason }) },
      lint: { findings, fixed },
      context: { before: { bytes: beforeContext.sent.bytes, files: beforeContext.sent.files }, after: { bytes: afterContext.sent.bytes, files: afterContext.sent.files }, secretFiles: beforeContext.secrets },
      vulnerabilityDb: { records: 0 },
      states,
      changes,
      written: [],
      notes,
    };
    const db = dbStatus(options.cacheDir);
    report.vulnerabilityDb = { records: db.records, ...(db.updatedAt === undefined ? {} : { updatedAt: db.updatedAt }) };

    const gated = afterState(report);
    const gatedMeasure = gated === undefined ? undefined : measured.get(gated.id);
    if (gated && gatedMeasure && gatedMeasure.gate.enabled) report.gate = { state: gated.id, passed: gatedMeasure.gate.passed, checks: gatedMeasure.gate.checks };
    else if (Object.keys(thresholds).length > 0 && gated === undefined) notes.push('thresholds were not evaluated: no after image was built');

    if (options.write === true) {
      for (const change of changes) {
        if (change.action === 'unchanged') continue;
        const text = (await readTextIfExists(join(afterDir, change.path))) ?? '';
        await writeProjectFile(join(project, change.path), text);
        report.written.push(change.path);
      }
    }
    return report;
  } finally {
    signal?.removeEventListener('abort', dispose);
    // also after an abort: the build was cancelled, and what it or an earlier build committed carries the label
    if (scratch.engineUsed && options.keepImages !== true) await removeLabelledImages(engine, checkRunLabel, scratch.runId);
    await rm(scratch.root, { recursive: true, force: true });
  }
}
