/**
 * Which files go into the image, split by how often they change: production dependencies (`node_modules/…`)
 * and the application (everything else). Either traced from the entry point with @vercel/nft (only what the
 * app can load, native addons and assets included) or, with `trace: false`, the whole production
 * `node_modules` (packages the lockfile marks `dev` left out) and the project minus `.dockerignore`.
 */
import type { Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { dockerignoreMatcher, readPatterns } from '../fs/dockerignore.js';
import { invalidInput, wrap } from '../internal/errors.js';
import type { EventSink } from '../internal/events.js';
import { writeFileAtomic } from '../internal/files.js';
import { isInside } from '../internal/paths.js';
import { z } from 'zod';
import { dependencyClosure, type Lockfile } from './project.js';

/** One file of the image: its path relative to the app directory, and where its bytes are. */
export interface SourceFile {
  /** POSIX path relative to the project (`server.js`, `node_modules/express/index.js`). */
  path: string;
  /** Absolute path on this machine (a project file, or one of the cached `npm ci` tree). */
  source: string;
}

export interface FileSets {
  dependencies: SourceFile[];
  application: SourceFile[];
  /** Traced files left out because the lockfile marks their package as a devDependency. */
  droppedDev: string[];
}

export interface CollectOptions {
  /** Absolute project directory (a workspace's root). */
  dir: string;
  /** Entry point relative to `dir`. */
  entry: string;
  /** What node loads before the entry (`--require`/`--import`): paths relative to the app's folder, or package names. */
  preloads?: readonly string[];
  /** The app's folder relative to `dir`: `.`, or a workspace member's folder. */
  app?: string;
  /**
   * Where the installed packages really are: `dir` itself, or a cached `npm ci --omit=dev` tree laid out like the
   * project (`node_modules`, and a workspace member's own `MEMBER/node_modules`).
   */
  installRoot: string | undefined;
  lockfile: Lockfile | undefined;
  trace: boolean;
  /** Where dependency traces are cached (`<cacheDir>/trace/`); none without it. */
  cacheDir?: string;
  events: EventSink;
}

/** Never part of an image, whatever `.dockerignore` says. */
const alwaysSkipped = new Set(['.git', '.hg', '.svn', 'node_modules', '.shipshape', '.DS_Store']);

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** `node_modules/a/node_modules/@s/b/lib/x.js` → `node_modules/a/node_modules/@s/b` (the lockfile's key). */
export function packagePathOf(path: string): string | undefined {
  const parts = path.split('/');
  let end = -1;
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] !== 'node_modules') continue;
    const name = parts[i + 1] ?? '';
    end = name.startsWith('@') ? i + 3 : i + 2;
    i = end - 1;
  }
  return end < 0 ? undefined : parts.slice(0, end).join('/');
}

function isDev(lockfile: Lockfile | undefined, path: string): boolean {
  if (lockfile === undefined) return false;
  const pkg = packagePathOf(path);
  if (pkg === undefined) return false;
  return lockfile.packages[pkg]?.dev === true;
}

/** A posix path relative to the project that is, or is inside, a `node_modules` folder (at any depth). */
export function inNodeModules(path: string): boolean {
  return /(?:^|\/)node_modules(?:\/|$)/.test(path);
}

/** Maps a project path in a `node_modules` folder (the root's or a workspace member's) to the tree that really holds it. */
function remapper(dir: string, installRoot: string | undefined): (abs: string) => string {
  if (installRoot === undefined || installRoot === dir) return (abs) => abs;
  return (abs) => {
    const rel = relative(dir, abs);
    if (!isInside(abs, dir) || !inNodeModules(toPosix(rel))) return abs;
    return join(installRoot, rel);
  };
}

/** Every file a package.json's `exports` (all conditions, all fallbacks; no patterns) and `main` name. */
export function exportTargets(pkg: unknown): string[] {
  const out = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.startsWith('./') && !value.includes('*')) out.add(posix.normalize(value));
    } else if (Array.isArray(value)) for (const v of value) visit(v);
    else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) visit(v);
  };
  if (typeof pkg === 'object' && pkg !== null) {
    const record = pkg as Record<string, unknown>;
    visit(record.exports);
    if (typeof record.main === 'string') out.add(posix.normalize(`./${record.main}`));
  }
  return [...out];
}

const loadable = /\.(?:[cm]?js|json|node)$/;

/**
 * Files that another Node.js version could load instead of the traced ones: Node picks among `exports`
 * conditions (`module-sync`, `require`, `import`) by version, and the tracer by its own version, so every
 * alternative target of every traced package is added (and traced in turn).
 */
async function alternatives(names: ReadonlySet<string>, dir: string, installRoot: string, map: (abs: string) => string): Promise<string[]> {
  const packages = new Set<string>();
  for (const name of names) {
    const pkg = packagePathOf(name);
    if (pkg !== undefined) packages.add(pkg);
  }
  const extra: string[] = [];
  for (const pkg of [...packages].sort()) {
    const text = await readFile(map(join(dir, pkg, 'package.json')), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      continue;
    }
    for (const target of exportTargets(json)) {
      const path = posix.join(pkg, target);
      if (names.has(path) || !loadable.test(path) || path.startsWith('../')) continue;
      const info = await stat(map(join(dir, path))).catch(() => undefined);
      if (info?.isFile() !== true) continue;
      // a package reached through a link (pnpm's node_modules/.pnpm/a@1/node_modules/b → ../../b@2/…) was traced at
      // its real path: the same file under another name is no alternative
      const real = await realpath(map(join(dir, path))).catch(() => undefined);
      const realName = real === undefined ? undefined : toPosix(relative(isInside(real, installRoot) ? installRoot : dir, real));
      if (realName !== undefined && names.has(realName)) continue;
      extra.push(path);
    }
  }
  return extra;
}

function isNodeModules(path: string): boolean {
  return inNodeModules(toPosix(path));
}

/**
 * What the dependency trace depends on: the seeds, and the node_modules tree — named by the project's lockfile and
 * npm's hidden lockfile (rewritten by every install), and by where the tree is.
 */
async function dependencyTraceKey(options: CollectOptions, seeds: readonly string[]): Promise<string> {
  const hidden = options.installRoot === undefined ? undefined : await stat(join(options.installRoot, 'node_modules', '.package-lock.json')).catch(() => undefined);
  const lock = options.lockfile === undefined ? '' : createHash('sha256').update(JSON.stringify(options.lockfile.packages)).digest('hex');
  return createHash('sha256')
    .update(JSON.stringify({ v: 2, installRoot: options.installRoot ?? '', hidden: hidden === undefined ? '' : `${hidden.size}:${hidden.mtimeMs}`, lock, seeds }))
    .digest('hex');
}

async function readTraceCache(path: string): Promise<string[] | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const data: unknown = JSON.parse(text);
    if (Array.isArray(data) && data.every((d) => typeof d === 'string' && !d.startsWith('../') && !isAbsolute(d))) return data as string[];
  } catch {
    // a damaged cache entry is traced again
  }
  return undefined;
}

async function writeTraceCache(path: string, data: unknown): Promise<void> {
  try {
    await writeFileAtomic(path, JSON.stringify(data));
  } catch {
    // the cache is an optimisation: a read-only cache directory must not fail the build
  }
}

/** The application's own trace: the files it reached, and the dependency files it requires (the seeds). */
interface AppTrace {
  files: string[];
  seeds: string[];
}

const appTraceSchema = z.object({
  key: z.string(),
  hashes: z.record(z.string(), z.string()),
  files: z.array(z.string()),
  seeds: z.array(z.string()),
});

function safeName(name: string): boolean {
  return !name.startsWith('../') && !isAbsolute(name);
}

/**
 * The last trace of the application's own files, reused when every file it reached (and package.json, which
 * steers resolution) still has the same content: the same bytes give nft the same answer. A trace that warned
 * (an unresolved require may resolve once a file appears) is never stored.
 */
async function readAppTrace(path: string, key: string, dir: string): Promise<AppTrace | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let record;
  try {
    record = appTraceSchema.parse(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (record.key !== key || ![...record.files, ...record.seeds].every(safeName)) return undefined;
  for (const [name, hash] of Object.entries(record.hashes)) {
    if (!safeName(name)) return undefined;
    const bytes = await readFile(join(dir, name)).catch(() => undefined);
    if (bytes === undefined || createHash('sha256').update(bytes).digest('hex') !== hash) return undefined;
  }
  return { files: record.files, seeds: record.seeds };
}

async function writeAppTrace(path: string, key: string, dir: string, app: string, result: AppTrace): Promise<void> {
  const hashes: Record<string, string> = {};
  for (const name of new Set([...result.files, 'package.json', posix.join(app, 'package.json')])) {
    const bytes = await readFile(join(dir, name)).catch(() => undefined);
    if (bytes === undefined) return;
    hashes[name] = createHash('sha256').update(bytes).digest('hex');
  }
  await writeTraceCache(path, { key, hashes, ...result });
}

/**
 * What node preloads, as trace inputs: project files (`--require ./tracing.js`, relative to the app's folder as node
 * resolves them from the working directory) and package files (`-r dotenv/config`, resolved from the app's folder
 * through the installed tree, as node resolves them), both relative to `dir`.
 */
async function preloadInputs(options: CollectOptions): Promise<{ files: string[]; packages: string[] }> {
  const { dir } = options;
  const app = options.app ?? '.';
  const files: string[] = [];
  const packages: string[] = [];
  for (const spec of options.preloads ?? []) {
    if (spec.startsWith('./') || spec.startsWith('../')) {
      const base = posix.normalize(posix.join(app, spec));
      if (base.startsWith('../') || !isInside(join(dir, base), dir)) throw invalidInput(`preload ${spec}`, `is outside the project directory ${dir}`);
      let found: string | undefined;
      for (const tried of [base, `${base}.js`, `${base}.cjs`, `${base}.mjs`, `${base}/index.js`]) {
        if ((await stat(join(dir, tried)).catch(() => undefined))?.isFile() === true) {
          found = tried;
          break;
        }
      }
      if (found === undefined) throw invalidInput(`preload ${spec}`, `no such file in ${join(dir, app)}`);
      files.push(found);
    } else if (!isAbsolute(spec) && !spec.startsWith('node:')) {
      const root = options.installRoot ?? dir;
      let resolved: string;
      try {
        resolved = createRequire(join(root, app, 'package.json')).resolve(spec);
      } catch {
        throw invalidInput(`preload ${spec}`, `is not a package installed for ${join(dir, app)} (traced builds need it resolvable; --no-trace keeps every production dependency)`);
      }
      const rel = toPosix(relative(root, resolved));
      if (!inNodeModules(rel) || !isInside(resolved, root)) throw invalidInput(`preload ${spec}`, `resolves outside the installed packages (${resolved})`);
      packages.push(rel);
    }
  }
  return { files, packages };
}

async function trace(options: CollectOptions): Promise<FileSets> {
  const { dir } = options;
  const map = remapper(dir, options.installRoot);
  const app = options.app ?? '.';
  // loaded only when a trace runs: a rebuild whose traces are all cached never pays for nft and its parser
  let nft: typeof import('@vercel/nft') | undefined;
  const nodeFileTrace: (typeof import('@vercel/nft'))['nodeFileTrace'] = async (...args) => {
    nft ??= await import('@vercel/nft');
    return nft.nodeFileTrace(...args);
  };
  // nft's analysis cache, shared by the passes
  const cache: Record<string, unknown> = {};
  const pass = async (files: string[], ignore?: (path: string) => boolean) =>
    nodeFileTrace(files, {
      base: dir,
      processCwd: dir,
      cache,
      ...(ignore === undefined ? {} : { ignore }),
      moduleSyncCatchall: true,
      // the cached `npm ci` tree appears at dir/node_modules, as it will in the image
      readFile: async (path) => {
        try {
          return await readFile(map(path));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
          throw error;
        }
      },
      stat: async (path) => {
        try {
          return await stat(map(path));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'ENOTDIR') return null;
          throw error;
        }
      },
      readlink: async (path) => {
        try {
          return await readlink(map(path));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EINVAL' || code === 'ENOENT' || code === 'ENOTDIR' || code === 'UNKNOWN') return null;
          throw error;
        }
      },
    });
  const traced = new Set<string>();
  const report = (warnings: Set<Error>): void => {
    for (const warning of warnings) {
      // unresolvable optional requires are common (e.g. `try { require('x') }`); show them only with --verbose
      options.events({ kind: 'log', level: 'debug', message: `trace: ${warning.message}` });
    }
  };
  const { files: preloadFiles, packages: preloadPackages } = await preloadInputs(options);
  try {
    // 1. the application's own files (the entry and the project files node preloads); the dependencies they reach are recorded, not followed
    const appKey = createHash('sha256').update(JSON.stringify({ v: 2, dir, entry: options.entry, preloadFiles, app })).digest('hex');
    const appCachePath = options.cacheDir === undefined ? undefined : join(options.cacheDir, 'trace', `app-${appKey}.json`);
    let own = appCachePath === undefined ? undefined : await readAppTrace(appCachePath, appKey, dir);
    if (own === undefined) {
      const traced = await pass([options.entry, ...preloadFiles].map((name) => join(dir, name)), isNodeModules);
      report(traced.warnings);
      own = {
        files: [...traced.fileList].map(toPosix).sort(),
        seeds: [...traced.reasons.entries()]
          .filter(([name, reason]) => reason.ignored && isNodeModules(name))
          .map(([name]) => toPosix(name))
          .sort(),
      };
      if (appCachePath !== undefined && traced.warnings.size === 0) await writeAppTrace(appCachePath, appKey, dir, app, own);
    }
    for (const name of own.files) traced.add(name);
    // the packages node preloads (`-r dotenv/config`) are seeds like the ones the app's files require
    const seeds = [...new Set([...own.seeds, ...preloadPackages])].sort();
    // 2. the dependencies, from those seeds: the same seeds over the same node_modules give the same files, so a
    //    source change that adds no require reuses the last trace (most of the time of a rebuild otherwise)
    const key = await dependencyTraceKey(options, seeds);
    const cachePath = options.cacheDir === undefined ? undefined : join(options.cacheDir, 'trace', `${key}.json`);
    const cached = cachePath === undefined ? undefined : await readTraceCache(cachePath);
    if (cached !== undefined) for (const name of cached) traced.add(name);
    else if (seeds.length > 0) {
      // a workspace link (node_modules/x → ../packages/x) is a seed whose package the first pass already followed
      // (its files are the project's); nft takes inputs as files, so the link goes into the image as the symlink it is
      const files: string[] = [];
      const links: string[] = [];
      for (const name of seeds) {
        const info = await stat(map(join(dir, name))).catch(() => undefined);
        if (info?.isFile() === true) files.push(name);
        else if (info?.isDirectory() === true) links.push(name);
      }
      const inputs = files.map((name) => join(dir, name));
      let deps = await pass(inputs);
      // a few rounds reach a fixed point: alternatives rarely pull in packages with alternatives of their own
      for (let round = 0; round < 4; round++) {
        const extra = await alternatives(new Set([...deps.fileList].map(toPosix)), dir, options.installRoot ?? dir, map);
        if (extra.length === 0) break;
        inputs.push(...extra.map((name) => join(dir, name)));
        deps = await pass(inputs);
      }
      report(deps.warnings);
      const names = [...new Set([...deps.fileList].map(toPosix).concat(links))].sort();
      for (const name of names) traced.add(name);
      if (cachePath !== undefined) await writeTraceCache(cachePath, names);
    }
  } catch (error) {
    throw wrap(error, `tracing ${options.entry}`);
  }
  const sets: FileSets = { dependencies: [], application: [], droppedDev: [] };
  const names = traced;
  // the root's package.json and the member's: they tell node whether .js files are ES modules ("type")
  names.add('package.json');
  names.add(posix.join(app, 'package.json'));
  for (const path of [...names].sort()) {
    if (path.startsWith('../') || isAbsolute(path)) continue;
    const file: SourceFile = { path, source: map(join(dir, path)) };
    if (inNodeModules(path)) {
      if (isDev(options.lockfile, path)) sets.droppedDev.push(path);
      else sets.dependencies.push(file);
    } else sets.application.push(file);
  }
  if (sets.droppedDev.length > 0) {
    const packages = [...new Set(sets.droppedDev.map((p) => packagePathOf(p)?.replace(/^.*node_modules\//, '') ?? p))].sort();
    options.events({ kind: 'log', level: 'warn', message: `left out devDependencies the entry point can reach: ${packages.join(', ')} (move them to dependencies if the app needs them)` });
  }
  return sets;
}

/**
 * Every production package of the tree: directories under `folder/node_modules` whose lockfile entry is not `dev`
 * (and, for a workspace member, is one `keep` holds).
 */
async function productionModules(installRoot: string, folder: string, lockfile: Lockfile | undefined, keep: ReadonlySet<string> | undefined): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const top = folder === '.' ? 'node_modules' : `${folder}/node_modules`;
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = (await readdir(abs, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const childAbs = join(abs, entry.name);
      const childRel = `${rel}/${entry.name}`;
      const parent = rel.split('/').pop();
      if (parent === 'node_modules' || (parent?.startsWith('@') === true && rel.split('/').at(-2) === 'node_modules')) {
        // a package directory (or a scope): decide by the lockfile
        if (entry.name === '.bin' || entry.name === '.cache' || entry.name === '.package-lock.json') continue;
        if (!entry.name.startsWith('@') && lockfile !== undefined) {
          const record = lockfile.packages[childRel];
          if (record === undefined || record.dev === true) continue;
          if (keep !== undefined && !keep.has(childRel)) continue;
        }
      }
      if (entry.isDirectory()) await walk(childAbs, childRel);
      else if (entry.isFile() || entry.isSymbolicLink()) out.push({ path: childRel, source: childAbs });
    }
  };
  const abs = join(installRoot, top);
  if ((await stat(abs).catch(() => undefined))?.isDirectory() === true) await walk(abs, top);
  return out;
}

/** The project's own files minus `.dockerignore` and what never belongs in an image. */
async function projectFiles(dir: string): Promise<SourceFile[]> {
  const ignoreText = await readFile(join(dir, '.dockerignore'), 'utf8').catch(() => '');
  const ig = dockerignoreMatcher(readPatterns(ignoreText, join(dir, '.dockerignore')));
  const out: SourceFile[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = (await readdir(abs, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (rel === '' && alwaysSkipped.has(entry.name)) continue;
      if (ig.ignores(childRel)) continue;
      const childAbs = join(abs, entry.name);
      if (entry.isDirectory()) await walk(childAbs, childRel);
      else if (entry.isFile() || entry.isSymbolicLink()) out.push({ path: childRel, source: childAbs });
    }
  };
  await walk(dir, '');
  return out;
}

/**
 * The dependency and application files of the image. Without a trace, a workspace member keeps the packages its
 * lockfile closure holds and the folders of the members it links (plus the root's package.json); without an npm
 * lockfile (pnpm, yarn) every package and the whole workspace, which only a trace narrows.
 */
export async function collectFiles(options: CollectOptions): Promise<FileSets> {
  if (options.trace) return trace(options);
  const app = options.app ?? '.';
  const keep = app === '.' || options.lockfile === undefined ? undefined : dependencyClosure(options.lockfile, app);
  const folders = keep === undefined ? ['.', ...(app === '.' ? [] : [app])] : ['.', ...[...keep].filter((k) => !inNodeModules(k)).sort()];
  const dependencies: SourceFile[] = [];
  if (options.installRoot !== undefined) {
    for (const folder of folders) dependencies.push(...(await productionModules(options.installRoot, folder, options.lockfile, keep)));
  }
  let application = await projectFiles(options.dir);
  if (app !== '.') {
    // a member's own node_modules is in the dependency layer already
    application = application.filter((f) => !inNodeModules(f.path));
  }
  if (keep !== undefined) {
    const linked = folders.filter((f) => f !== '.');
    application = application.filter((f) => f.path === 'package.json' || linked.some((folder) => f.path.startsWith(`${folder}/`)));
  }
  return { dependencies, application, droppedDev: [] };
}

/**
 * Checks that a symlink stays inside the tree it belongs to (the project, or the node_modules tree) and returns
 * its target as stored; a link that leaves it would make the image depend on the build machine.
 */
export async function safeLinkTarget(file: SourceFile, root: string): Promise<string> {
  const target = await readlink(file.source);
  const resolved = resolve(dirname(file.source), target);
  if (isAbsolute(target) || !isInside(resolved, root)) throw invalidInput(file.source, `symbolic link to "${target}" leaves ${root}`);
  return posix.normalize(toPosix(target));
}

/** lstat that names the file on failure. */
export async function lstatFile(path: string): Promise<Stats> {
  try {
    return await lstat(path);
  } catch (error) {
    throw wrap(error, `reading ${path}`);
  }
}
