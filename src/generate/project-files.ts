/**
 * A read-only, bounded view of a project directory for the detectors: every path is relative to the root,
 * never leaves it (`..`, absolute names, symlinks pointing outside), and every read has a size limit, so a
 * hostile repository can neither make detection read `/etc/shadow` nor exhaust memory.
 */
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, parse as parsePath, posix, relative, resolve, sep } from 'node:path';
import type { z } from 'zod';
import { invalidInput, wrap } from '../internal/errors.js';
import { parseJson } from '../internal/parse-json.js';

/** Directories never searched for manifests or sources: dependencies, build output, VCS data. */
export const skippedDirs: ReadonlySet<string> = new Set([
  '.git', '.hg', '.svn', 'node_modules', 'vendor', 'target', 'dist', 'build', 'out', '.next', '.nuxt',
  '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', '.pytest_cache', '.gradle', '.idea', '.vscode', 'coverage',
  '__fixtures__', 'testdata',
]);

/**
 * How many folders below the project's root detection looks for projects (`apps/web/api` is three). A workspace
 * finds its own members below that, from its root, as its package manager does.
 */
export const searchDepth = 3;

const defaultReadLimit = 1024 * 1024;

/**
 * The file system seen from its root, for a search upwards from the absolute folder `absDir` (the workspace a
 * project folder is a member of, as npm, go, Cargo and uv find it): the view, the folder relative to it, and the
 * absolute path of a relative one. Undefined for the file system root itself.
 */
export function filesAbove(absDir: string): { files: ProjectFiles; dir: string; absolute: (rel: string) => string } | undefined {
  const abs = resolve(absDir);
  const top = parsePath(abs).root;
  const dir = relative(top, abs).split(sep).join('/');
  if (dir === '' || isAbsolute(dir)) return undefined;
  return { files: new ProjectFiles(top), dir, absolute: (rel) => resolve(top, rel) };
}

export class ProjectFiles {
  private rootReal: string | undefined;
  /** Folders (relative to the root, native separators) a listing showed as folders, not symlinks: no realpath needed. */
  private readonly realFolders = new Set<string>();

  constructor(readonly root: string) {}

  /** The absolute path of `rel`, refusing names that leave the root. */
  private resolve(rel: string): string {
    const clean = posix.normalize(rel.split(sep).join('/'));
    if (isAbsolute(clean) || clean === '..' || clean.startsWith('../')) throw invalidInput(rel, 'path leaves the project directory');
    return join(this.root, clean);
  }

  /** Follows symlinks but refuses targets outside the root. */
  private async inside(abs: string, rel: string): Promise<boolean> {
    this.rootReal ??= await realpath(this.root);
    let real: string;
    try {
      real = await realpath(abs);
    } catch {
      return false;
    }
    const r = relative(this.rootReal, real);
    if (r.startsWith('..') || isAbsolute(r)) throw invalidInput(rel, 'symbolic link points outside the project directory');
    return true;
  }

  async isFile(rel: string): Promise<boolean> {
    const abs = this.resolve(rel);
    if (!(await this.inside(abs, rel))) return false;
    return (await stat(abs)).isFile();
  }

  async isDir(rel: string): Promise<boolean> {
    const abs = this.resolve(rel);
    if (!(await this.inside(abs, rel))) return false;
    return (await stat(abs)).isDirectory();
  }

  /** The file's text, or undefined when it does not exist; larger than `limit` bytes is an error. */
  async readText(rel: string, limit = defaultReadLimit): Promise<string | undefined> {
    const abs = this.resolve(rel);
    if (!(await this.inside(abs, rel))) return undefined;
    const handle = await open(abs, 'r').catch((error: unknown) => {
      throw wrap(error, `reading ${rel}`);
    });
    try {
      const info = await handle.stat();
      if (!info.isFile()) return undefined;
      if (info.size > limit) throw invalidInput(rel, `larger than ${limit} bytes; not read`);
      const buffer = Buffer.alloc(info.size);
      const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  }

  /** Parses a JSON file and validates it; undefined when absent, an error naming the file and `kind` when malformed. */
  async readJson<T extends z.ZodType>(rel: string, schema: T, kind: string): Promise<z.output<T> | undefined> {
    const text = await this.readText(rel);
    return text === undefined ? undefined : parseJson(text, schema, rel, kind);
  }

  /** Names in a directory (sorted), or [] when it does not exist. */
  async list(rel: string): Promise<string[]> {
    const abs = this.resolve(rel);
    try {
      const info = await lstat(abs);
      if (!info.isDirectory()) return [];
      return (await readdir(abs)).sort();
    } catch {
      return [];
    }
  }

  /**
   * The folders and files in a directory (names, sorted; symlinks are neither), or none when it does not exist or
   * is reached through a symlink.
   */
  async entries(rel: string): Promise<{ folders: string[]; files: string[] }> {
    const abs = this.resolve(rel);
    const key = relative(this.root, abs);
    // a folder reached through a symlink is not walked, as findFiles walks none: its target may lie outside the root;
    // one an earlier listing showed as a folder is known real, which spares a realpath per folder of a walk (3.5x)
    if (!this.realFolders.has(key)) {
      this.rootReal ??= await realpath(this.root);
      const real = await realpath(abs).catch(() => undefined);
      if (real !== join(this.rootReal, key)) return { folders: [], files: [] };
    }
    const found = await readdir(abs, { withFileTypes: true }).catch(() => []);
    const names = (keep: (e: (typeof found)[number]) => boolean): string[] => found.filter(keep).map((e) => e.name).sort();
    const folders = names((e) => e.isDirectory());
    for (const folder of folders) this.realFolders.add(join(key, folder));
    return { folders, files: names((e) => e.isFile()) };
  }

  /**
   * Files under `rel` (relative to the root, posix separators) whose name passes `accept`, skipping
   * dependency and output directories and symlinks, at most `maxFiles` and `maxDepth` levels deep.
   */
  async findFiles(rel: string, accept: (name: string) => boolean, options: { maxDepth?: number; maxFiles?: number } = {}): Promise<string[]> {
    const maxDepth = options.maxDepth ?? 6;
    const maxFiles = options.maxFiles ?? 500;
    const found: string[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (depth > maxDepth || found.length >= maxFiles) return;
      let entries;
      try {
        entries = await readdir(this.resolve(dir), { withFileTypes: true });
      } catch {
        return;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (found.length >= maxFiles) return;
        const path = dir === '.' ? entry.name : `${dir}/${entry.name}`;
        if (entry.isDirectory()) {
          if (!skippedDirs.has(entry.name)) await walk(path, depth + 1);
        } else if (entry.isFile() && accept(entry.name)) {
          found.push(path);
        }
      }
    };
    await walk(rel, 0);
    return found;
  }
}

/** `a/b` joined the posix way, with `.` as the identity. */
export function joinPath(dir: string, name: string): string {
  if (dir === '.' || dir === '') return name;
  return posix.join(dir, name);
}
