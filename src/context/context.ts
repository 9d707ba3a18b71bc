/**
 * The build context as the engine receives it: every file under the context directory, less what
 * `.dockerignore` excludes (BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile first, then the
 * context's `.dockerignore`). Reports sizes with and without the ignore file, the largest entries, `.git`,
 * files that look like secrets (by name only: contents are never read), output and dependency directories
 * that should not be sent, and COPY/ADD sources the ignore file excludes, which break the build.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, join, posix, resolve } from 'node:path';
import { maxDockerfileBytes, parse } from '../dockerfile/index.js';
import { invalidInput, notFound, ShipshapeError, wrap } from '../internal/errors.js';
import { readBoundedText } from '../internal/files.js';
import { dockerignoreMatcher, readPatterns } from '../fs/dockerignore.js';

export interface ContextOptions {
  /** The context directory. */
  dir: string;
  /** The Dockerfile, for its `.dockerignore` variant and its COPY sources (default: DIR/Dockerfile when present). */
  dockerfile?: string;
  /** How many of the largest entries to list. */
  top?: number;
  /** Stop walking after this many entries (the report says it is partial). */
  maxEntries?: number;
}

export interface SizeCount {
  files: number;
  bytes: number;
}

export interface ContextEntry extends SizeCount {
  path: string;
}

export type SuggestionReason = 'vcs' | 'dependencies' | 'build-output' | 'secret' | 'cache';

export interface Suggestion extends ContextEntry {
  reason: SuggestionReason;
}

export interface CopyBreak {
  /** 1-based line of the COPY/ADD in the Dockerfile. */
  line: number;
  source: string;
  problem: 'excluded' | 'missing';
}

export interface ContextReport {
  dir: string;
  /** The ignore file in force, relative to the working directory's view of `dir`; null when none. */
  ignoreFile: string | null;
  patterns: string[];
  /** Everything under the directory. */
  total: SizeCount;
  /** What is sent to the engine. */
  sent: SizeCount;
  /** The largest top-level entries sent. */
  largest: ContextEntry[];
  /** The largest single files sent. */
  largestFiles: ContextEntry[];
  git: { present: boolean; sent: boolean } & SizeCount;
  /** Files sent whose names say secret (`.env`, keys, credentials): names only. */
  secrets: string[];
  /** Paths sent that an ignore file should exclude. */
  shouldIgnore: Suggestion[];
  /** COPY/ADD sources the ignore file excludes or that do not exist. */
  copyBreaks: CopyBreak[];
  /** The walk stopped at `maxEntries`. */
  partial: boolean;
}

export interface FileRecord {
  path: string;
  size: number;
  sent: boolean;
}

const secretName = /^(\.env(\..+)?|.*\.(pem|key|p12|pfx|jks|keystore|tfstate)|id_(rsa|dsa|ecdsa|ed25519)(\.pub)?|\.npmrc|\.pypirc|\.netrc|\.git-credentials|credentials(\.json)?|.*service-account.*\.json|\.htpasswd)$/i;
const notSecret = /\.(example|sample|template|dist|pub)$/i;

/** Whether a file name looks like a secret. Public keys and example files do not. */
export function isSecretName(name: string): boolean {
  return secretName.test(name) && !notSecret.test(name);
}

const suggestionFor: Record<string, SuggestionReason> = {
  '.git': 'vcs',
  '.hg': 'vcs',
  '.svn': 'vcs',
  node_modules: 'dependencies',
  '.venv': 'dependencies',
  venv: 'dependencies',
  vendor: 'dependencies',
  dist: 'build-output',
  build: 'build-output',
  target: 'build-output',
  '.next': 'build-output',
  out: 'build-output',
  coverage: 'build-output',
  __pycache__: 'cache',
  '.pytest_cache': 'cache',
  '.mypy_cache': 'cache',
  '.gradle': 'cache',
  '.cache': 'cache',
  '.turbo': 'cache',
};

/** A `.dockerignore` is a few hundred bytes; a bound keeps a huge or endless file from being read whole. */
const maxIgnoreBytes = 4 * 1024 * 1024;

/** Whether reading failed because the file is not there (the default Dockerfile and ignore files are optional). */
function isMissing(error: unknown): boolean {
  return error instanceof ShipshapeError && error.code === 'not-found';
}

/**
 * Files that make their folder a project whose build writes `dist`, `build`, `target`, `out`… beside them. A folder
 * of such a name deeper in the tree is build output only beside one of these: elsewhere it is as likely source
 * (`src/build`, a Go package `internal/build`), which ignoring would take out of the build.
 */
const projectManifests = new Set(['package.json', 'pyproject.toml', 'setup.py', 'setup.cfg', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'build.sbt', 'Cargo.toml', 'go.mod', 'CMakeLists.txt', 'Makefile', 'composer.json', 'Gemfile', 'mix.exs', 'angular.json', 'next.config.js', 'next.config.mjs']);

/** The folders that hold a project manifest (`.` for the root). */
function projectFolders(records: readonly FileRecord[]): Set<string> {
  const folders = new Set<string>();
  for (const r of records) {
    const name = basename(r.path);
    if (projectManifests.has(name) || /\.(cs|fs|vb)proj$/.test(name)) folders.add(posix.dirname(r.path));
  }
  return folders;
}

/** Reads the ignore file BuildKit would use. */
async function readIgnore(dir: string, dockerfile: string | undefined): Promise<{ file: string | null; patterns: string[] }> {
  const candidates = [...(dockerfile === undefined ? [] : [`${dockerfile}.dockerignore`]), join(dir, '.dockerignore')];
  for (const file of candidates) {
    let text: string;
    try {
      // bounded, and a FIFO or folder in its place is refused instead of waited on
      text = await readBoundedText(file, maxIgnoreBytes, 'a .dockerignore');
    } catch (error) {
      if (isMissing(error)) continue;
      throw error;
    }
    return { file, patterns: readPatterns(text, file) };
  }
  return { file: null, patterns: [] };
}

/** Go's filepath.Match for one path (what BuildKit uses for COPY source wildcards). */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] ?? '';
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^\^/, '^').replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (ch === '\\' && i + 1 < glob.length) {
      re += `\\${glob[i + 1] ?? ''}`;
      i++;
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export interface CopyCheckOptions {
  /**
   * A wildcard source that matches no sent file. BuildKit's Dockerfile frontend copies nothing and goes on
   * (`AllowEmptyWildcard`, so `COPY package.json yarn.lock* ./` builds without a yarn.lock); only a folder before
   * the first wildcard that is not sent fails the build (`lstat nodir: no such file or directory`). `allowed`
   * reports that folder alone, as the build does; `refused` reports every wildcard left without a sent match, for a
   * caller that must not empty a COPY the Dockerfile wrote.
   */
  emptyWildcard: 'allowed' | 'refused';
  /** Whether a folder is sent; without it, a folder counts as sent when a sent file lies under it. */
  dirSent?: (path: string) => boolean;
}

/** The COPY/ADD sources of a Dockerfile that no sent file satisfies: excluded by the ignore file, or missing. */
export function copyChecks(dockerfileText: string, files: readonly FileRecord[], dirs: ReadonlySet<string>, options: CopyCheckOptions = { emptyWildcard: 'allowed' }): CopyBreak[] {
  const ast = parse(dockerfileText);
  const breaks: CopyBreak[] = [];
  const under = (path: string): FileRecord[] => files.filter((f) => f.path === path || f.path.startsWith(`${path}/`));
  for (const instruction of ast.instructions) {
    if (instruction.keyword !== 'Copy' && instruction.keyword !== 'Add') continue;
    const copy = instruction;
    if (copy.flags.some((f) => f.name === 'from') || copy.heredocs.length > 0) continue;
    for (const argument of copy.sources) {
      const raw = argument.value.replace(/^["']|["']$/g, '');
      // URLs and git sources of ADD come from elsewhere; variables are only known at build time
      if (/^[a-z]+:\/\//i.test(raw) || raw.startsWith('git@') || raw.includes('$')) continue;
      const source = posix.normalize(raw.replace(/^\/+/, '')).replace(/\/+$/, '') || '.';
      if (source === '.' || source.startsWith('..')) continue;
      const line = copy.range.start.line;
      let before: FileRecord[];
      if (/[*?[]/.test(source)) {
        if (options.emptyWildcard === 'allowed') {
          const parts = source.split('/');
          const folder = parts.slice(0, parts.findIndex((p) => /[*?[]/.test(p))).join('/');
          if (folder === '') continue;
          const inFolder = under(folder);
          if (inFolder.some((f) => f.sent) || (dirs.has(folder) && (options.dirSent?.(folder) ?? false))) continue;
          breaks.push({ line, source: raw, problem: inFolder.length > 0 || dirs.has(folder) ? 'excluded' : 'missing' });
          continue;
        }
        const re = globToRegExp(source);
        before = files.filter((f) => re.test(f.path) || [...ancestors(f.path)].some((a) => re.test(a)));
      } else {
        before = under(source);
        if (before.length === 0 && dirs.has(source)) continue; // an empty directory: nothing to break
      }
      if (before.length === 0) breaks.push({ line, source: raw, problem: 'missing' });
      else if (!before.some((f) => f.sent)) breaks.push({ line, source: raw, problem: 'excluded' });
    }
  }
  return breaks;
}

function* ancestors(path: string): Generator<string> {
  let dir = posix.dirname(path);
  while (dir !== '.' && dir !== '/') {
    yield dir;
    dir = posix.dirname(dir);
  }
}

function topEntries(records: FileRecord[], top: number, only: (f: FileRecord) => boolean): ContextEntry[] {
  const byTop = new Map<string, SizeCount>();
  for (const f of records) {
    if (!only(f)) continue;
    const first = f.path.split('/')[0] ?? f.path;
    const entry = byTop.get(first) ?? { files: 0, bytes: 0 };
    entry.files++;
    entry.bytes += f.size;
    byTop.set(first, entry);
  }
  return [...byTop.entries()]
    .map(([path, s]) => ({ path, ...s }))
    .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
    .slice(0, top);
}

export interface ContextWalk {
  /** Every file (and symlink) under the directory, with whether `sent` says it is sent. */
  records: FileRecord[];
  dirs: Set<string>;
  partial: boolean;
}

/** Every entry under `dir` (symlinks as links, not followed, as BuildKit sends them), depth first, bounded by `maxEntries`. */
export async function walkContext(dir: string, maxEntries: number, sent: (path: string) => boolean): Promise<ContextWalk> {
  const records: FileRecord[] = [];
  const dirs = new Set<string>();
  let partial = false;
  let entries = 0;
  // iterative, so that a deep tree cannot overflow the stack
  const queue: string[] = ['.'];
  while (queue.length > 0) {
    const rel = queue.pop() ?? '.';
    let names: string[];
    try {
      names = await readdir(rel === '.' ? dir : join(dir, rel));
    } catch (error) {
      throw wrap(error, `reading ${rel === '.' ? dir : join(dir, rel)}`);
    }
    for (const name of names.sort()) {
      if (++entries > maxEntries) {
        partial = true;
        break;
      }
      const path = rel === '.' ? name : `${rel}/${name}`;
      const stat = await lstat(join(dir, path));
      if (stat.isDirectory()) {
        dirs.add(path);
        queue.push(path);
        // a named pipe never reaches the build: BuildKit's context transfer leaves it out (a socket or device it sends)
      } else if (!stat.isFIFO()) records.push({ path, size: stat.isFile() ? stat.size : 0, sent: sent(path) });
    }
    if (partial) break;
  }
  return { records, dirs, partial };
}

/** Walks the context directory and explains what the engine would receive. */
export async function analyzeContext(options: ContextOptions): Promise<ContextReport> {
  const dir = resolve(options.dir);
  // a symbolic link to a folder is a context docker build accepts: it walks the folder the link names
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) throw notFound(options.dir, 'no such directory');
  if (!info.isDirectory()) throw invalidInput(options.dir, 'not a directory');
  const top = options.top ?? 10;
  const maxEntries = options.maxEntries ?? 1_000_000;
  const dockerfilePath = options.dockerfile === undefined ? join(dir, 'Dockerfile') : resolve(options.dockerfile);
  let dockerfileText: string | undefined;
  try {
    dockerfileText = await readBoundedText(dockerfilePath, maxDockerfileBytes, 'a Dockerfile');
  } catch (error) {
    if (options.dockerfile !== undefined || !isMissing(error)) throw error;
  }
  const { file: ignoreFile, patterns } = await readIgnore(dir, dockerfileText === undefined ? undefined : dockerfilePath);
  const matcher = dockerignoreMatcher(patterns);

  const walked = await walkContext(dir, maxEntries, (path) => !matcher.ignores(path));
  const { records, dirs, partial } = walked;
  const suggestions = new Map<string, Suggestion>();
  const projects = projectFolders(records);
  for (const path of [...dirs].sort()) {
    const reason = suggestionFor[basename(path)];
    const parent = posix.dirname(path);
    // build output sits at the context root or beside a project manifest
    if (reason === 'build-output' && parent !== '.' && !projects.has(parent)) continue;
    // report the outermost such directory only
    if (reason !== undefined && ![...ancestors(path)].some((a) => suggestions.has(a))) suggestions.set(path, { path, reason, files: 0, bytes: 0 });
  }

  const sum = (list: FileRecord[]): SizeCount => ({ files: list.length, bytes: list.reduce((n, f) => n + f.size, 0) });
  const sentFiles = records.filter((f) => f.sent);
  const gitFiles = records.filter((f) => f.path === '.git' || f.path.startsWith('.git/'));
  const secrets = sentFiles.filter((f) => isSecretName(basename(f.path)) || (/(^|\/)\.(aws|ssh)\//.test(f.path) && !f.path.endsWith('.pub'))).map((f) => f.path);

  for (const suggestion of suggestions.values()) {
    const inside = sentFiles.filter((f) => f.path.startsWith(`${suggestion.path}/`));
    suggestion.files = inside.length;
    suggestion.bytes = inside.reduce((n, f) => n + f.size, 0);
  }
  const shouldIgnore = [...suggestions.values()].filter((s) => s.files > 0);
  for (const secret of secrets) shouldIgnore.push({ path: secret, reason: 'secret', files: 1, bytes: records.find((r) => r.path === secret)?.size ?? 0 });
  shouldIgnore.sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));

  return {
    dir,
    ignoreFile: ignoreFile === null ? null : ignoreFile.startsWith(`${dir}/`) ? ignoreFile.slice(dir.length + 1) : ignoreFile,
    patterns,
    total: sum(records),
    sent: sum(sentFiles),
    largest: topEntries(records, top, (f) => f.sent),
    largestFiles: sentFiles
      .sort((a, b) => b.size - a.size || a.path.localeCompare(b.path))
      .slice(0, top)
      .map((f) => ({ path: f.path, files: 1, bytes: f.size })),
    git: { present: dirs.has('.git') || gitFiles.length > 0, sent: gitFiles.some((f) => f.sent), ...sum(gitFiles.filter((f) => f.sent)) },
    secrets,
    shouldIgnore,
    copyBreaks: dockerfileText === undefined ? [] : copyChecks(dockerfileText, records, dirs, { emptyWildcard: 'allowed', dirSent: (path) => !matcher.ignores(path) }),
    partial,
  };
}
