/**
 * A Node.js project as `shipshape build` sees it: `package.json` (the entry point), its npm lockfile (which
 * packages are production dependencies, and the cache key of the dependency layer). A workspace member's lockfile
 * and installed packages are the workspace root's: the project is then the root, and the member a folder in it.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, stat } from 'node:fs/promises';
import { join, posix, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { forImage, parseStartScript, preloadsOf } from '../dockerfile/index.js';
import { invalidInput, notFound, wrap } from '../internal/errors.js';
import { parseJson, validated } from '../internal/parse-json.js';
import { isInside } from '../internal/paths.js';

const manifestLimit = 1024 * 1024;
const lockfileLimit = 64 * 1024 * 1024;

const packageJsonSchema = z.looseObject({
  name: z.string().optional(),
  version: z.string().optional(),
  main: z.string().optional(),
  bin: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  scripts: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
});

const dependencyMap = z.record(z.string(), z.string()).optional();

export type PackageJson = z.infer<typeof packageJsonSchema>;

/** npm lockfile v2/v3 (`packages` keyed by install path); v1 files have no `packages` and are refused. */
const lockfileSchema = z.looseObject({
  lockfileVersion: z.number().int(),
  packages: z.record(
    z.string(),
    z.looseObject({
      version: z.string().optional(),
      dev: z.boolean().optional(),
      optional: z.boolean().optional(),
      devOptional: z.boolean().optional(),
      link: z.boolean().optional(),
      resolved: z.string().optional(),
      dependencies: dependencyMap,
      optionalDependencies: dependencyMap,
      peerDependencies: dependencyMap,
    }),
  ),
});

export type Lockfile = z.infer<typeof lockfileSchema>;

const lockfileVersionSchema = z.looseObject({ lockfileVersion: z.number().int() });

const packageJsonKind = 'an npm package.json';
const lockfileKind = 'an npm lockfile';

/** Where a workspace member sits in its workspace. */
export interface WorkspaceMember {
  /** Absolute workspace root (it holds the lockfile and the hoisted node_modules). */
  root: string;
  /** The member's folder relative to the root (posix, `packages/api`); `.` for an app at the root itself. */
  member: string;
  /** Every member folder relative to the root, the member included. */
  members: readonly string[];
}

export interface NodeProject {
  /** Absolute project directory: the workspace root for a workspace member. */
  dir: string;
  /** The app's folder relative to `dir` (posix): `.`, or the member's folder in a workspace. */
  app: string;
  /** Every workspace member folder relative to `dir` (their package.json files take part in an install). */
  members: readonly string[];
  /** The app's package.json (the member's in a workspace). */
  packageJson: PackageJson;
  /** The lockfile's name relative to `dir`, when there is one. */
  lockfileName?: string;
  lockfile?: Lockfile;
  /** sha256 hex of the lockfile bytes (the dependency cache key), when there is one. */
  lockfileHash?: string;
}

async function readBounded(path: string, limit: number): Promise<Buffer | undefined> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw wrap(error, `reading ${path}`);
  }
  if (size > limit) throw invalidInput(path, `is ${size} bytes, more than the ${limit} a build reads`);
  try {
    return await readFile(path);
  } catch (error) {
    throw wrap(error, `reading ${path}`);
  }
}

/**
 * Reads `package.json` and the npm lockfile of `dir`; a missing package.json or a broken lockfile is bad input.
 * With `workspace` (the workspace `dir` is a member of), the lockfile is the root's and the project is the root.
 */
export async function readProject(dir: string, workspace?: WorkspaceMember): Promise<NodeProject> {
  const appDir = resolve(dir);
  const info = await stat(appDir).catch(() => undefined);
  if (info === undefined) throw notFound(appDir, 'no such directory');
  if (!info.isDirectory()) throw invalidInput(appDir, 'not a directory');
  const manifestPath = join(appDir, 'package.json');
  const manifest = await readBounded(manifestPath, manifestLimit);
  if (manifest === undefined) throw notFound(manifestPath, 'no package.json: `shipshape build` needs a Node.js project (or --binary for a compiled program)');
  const packageJson = parseJson(manifest, packageJsonSchema, manifestPath, packageJsonKind);
  // the root of a workspace is its own app folder; its members' manifests still take part in an install
  const root = workspace === undefined ? appDir : resolve(workspace.root);
  const place = workspace === undefined ? { app: '.', members: [] } : { app: workspace.member, members: [...workspace.members] };
  for (const name of ['npm-shrinkwrap.json', 'package-lock.json']) {
    const path = join(root, name);
    const bytes = await readBounded(path, lockfileLimit);
    if (bytes === undefined) continue;
    // the version first: a v1 lockfile has no "packages" map, which the full schema would report instead
    const versioned = parseJson(bytes, lockfileVersionSchema, path, lockfileKind);
    if (versioned.lockfileVersion < 2) throw invalidInput(path, `lockfileVersion ${versioned.lockfileVersion} has no "packages" map; regenerate it with npm 7 or later`);
    const lockfile = validated(versioned, lockfileSchema, path, lockfileKind);
    return { dir: root, ...place, packageJson, lockfileName: name, lockfile, lockfileHash: createHash('sha256').update(bytes).digest('hex') };
  }
  return { dir: root, ...place, packageJson };
}

/** The app's folder as an absolute path. */
export function appFolder(project: NodeProject): string {
  return project.app === '.' ? project.dir : join(project.dir, project.app);
}

/**
 * What a workspace member needs of the lockfile: the entries of its production dependencies, theirs in turn, and
 * the workspace members it links (`node_modules/@s/lib` → `packages/lib`, whose own dependencies follow), each
 * found as Node resolves it (the nearest `node_modules` upwards). Keys are the lockfile's (`node_modules/x`,
 * `packages/api/node_modules/y`, `packages/lib`); the member's own folder is included.
 */
export function dependencyClosure(lockfile: Lockfile, member: string): Set<string> {
  const packages = lockfile.packages;
  const seen = new Set<string>();
  const find = (from: string, name: string): string | undefined => {
    let at = from;
    for (;;) {
      const key = at === '' ? `node_modules/${name}` : `${at}/node_modules/${name}`;
      if (packages[key] !== undefined) return key;
      if (at === '') return undefined;
      const cut = at.lastIndexOf('/');
      at = cut < 0 ? '' : at.slice(0, cut);
    }
  };
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const entry = packages[key];
    if (entry === undefined) return;
    if (entry.link === true && entry.resolved !== undefined) {
      visit(posix.normalize(entry.resolved));
      return;
    }
    const names = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const name of Object.keys(names).sort()) {
      const found = find(key, name);
      if (found !== undefined) visit(found);
    }
  };
  visit(member === '.' ? '' : member);
  return seen;
}

/** npm's hidden lockfile (`node_modules/.package-lock.json`): the same shape, written by every install. */
export async function readHiddenLockfile(nodeModules: string): Promise<Lockfile | undefined> {
  const path = join(nodeModules, '.package-lock.json');
  const bytes = await readBounded(path, lockfileLimit);
  return bytes === undefined ? undefined : parseJson(bytes, lockfileSchema, path, lockfileKind);
}

/** A project-relative, normalised POSIX path, refusing names that leave the project. */
export function projectPath(dir: string, name: string, subject: string): string {
  const abs = resolve(dir, name);
  const rel = relative(dir, abs);
  if (rel === '' || !isInside(abs, dir)) throw invalidInput(subject, `"${name}" is outside the project directory ${dir}`);
  return posix.normalize(rel.split(sep).join('/'));
}

/** How the image runs node: the script (relative to the app's folder), node's options before it, its arguments. */
export interface NodeCommand {
  script: string;
  /** node's own options from `scripts.start` (`--require ./tracing.js`, `--enable-source-maps`), kept in the entrypoint. */
  options: string[];
  args: string[];
  /** What `-r`/`--require`/`--import`/`--loader` load before the script: project files (`./tracing.js`) or packages (`dotenv/config`). */
  preloads: string[];
  /** What of `scripts.start` the image leaves out: `--env-file`, secret-looking arguments (named, never shown). */
  dropped: string[];
}

/** The file `node` runs: `--entry`, else `scripts.start` (`node X`), `bin`, `main`, then index.js / server.js / app.js. */
export async function resolveEntry(project: NodeProject, entry?: string): Promise<string> {
  return (await resolveCommand(project, entry)).script;
}

/**
 * The node command of the image: `--entry` alone, else `scripts.start` when it is one node command (its options
 * and arguments kept, as `npm start` would run them), else `bin`, `main`, then index.js / server.js / app.js.
 */
export async function resolveCommand(project: NodeProject, entry?: string): Promise<NodeCommand> {
  const pkg = project.packageJson;
  const dir = appFolder(project);
  const manifest = join(dir, 'package.json');
  const candidates: { name: string; subject: string; options?: string[]; args?: string[] }[] = [];
  if (entry !== undefined) candidates.push({ name: entry, subject: '--entry' });
  else {
    const parsed = pkg.scripts?.start === undefined ? undefined : parseStartScript(pkg.scripts.start);
    if (parsed?.kind === 'node' && parsed.start.entry !== undefined) candidates.push({ name: parsed.start.entry, subject: `${manifest}: scripts.start`, options: parsed.start.options, args: parsed.start.args });
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin === undefined ? undefined : Object.values(pkg.bin)[0];
    if (bin !== undefined) candidates.push({ name: bin, subject: `${manifest}: bin` });
    if (pkg.main !== undefined) candidates.push({ name: pkg.main, subject: `${manifest}: main` });
  }
  for (const { name, subject, options = [], args = [] } of candidates) {
    const rel = projectPath(dir, name, subject);
    for (const tried of [rel, `${rel}.js`, `${rel}/index.js`]) {
      const info = await lstat(join(dir, tried)).catch(() => undefined);
      if (info?.isFile() === true) {
        const safe = forImage({ env: [], options, args });
        return { script: tried, options: safe.options, args: safe.args, preloads: preloadsOf(safe.options), dropped: safe.left.map((l) => l.name) };
      }
    }
    // the first named entry must exist: running something else silently would surprise
    throw notFound(subject, `entry point "${name}" not found in ${dir}`);
  }
  for (const name of ['index.js', 'server.js', 'app.js', 'main.js']) {
    const info = await lstat(join(dir, name)).catch(() => undefined);
    if (info?.isFile() === true) return { script: name, options: [], args: [], preloads: [], dropped: [] };
  }
  throw notFound(manifest, 'no entry point: add scripts.start ("node FILE"), main or bin, or pass --entry FILE');
}
