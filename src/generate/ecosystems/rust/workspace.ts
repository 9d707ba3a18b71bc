/**
 * Cargo workspaces and targets, read as Cargo reads them (doc.rust-lang.org/cargo/reference/workspaces.html and
 * cargo-targets.html#target-auto-discovery): `[workspace] members` are globs (the `glob` crate's `?`, `*`, `**` and
 * `[…]`) matching folders, `exclude` takes a folder and everything below it out unless `members` names it as it is;
 * a package's binaries are its `[[bin]]` tables and, unless `autobins = false`, `src/main.rs`, `src/bin/*.rs` and
 * `src/bin/*\/main.rs`.
 */
import { posix } from 'node:path';
import { joinPath, type ProjectFiles, skippedDirs } from '../../project-files.js';

/** A `[workspace]` table's member globs and excluded folders, as written. */
export interface CargoWorkspace {
  members?: string[] | undefined;
  exclude?: string[] | undefined;
}

/** A manifest's `[package]` and `[[bin]]` tables, as far as binaries go. */
export interface CargoTargets {
  package?: { name: string; autobins?: boolean | undefined } | undefined;
  bin?: { name?: string | undefined; path?: string | undefined }[] | undefined;
}

/** How deep `**` walks (folders below the one it starts from): the search is bounded, as every walk here is. */
const globstarDepth = 6;

const clean = (path: string): string => posix.normalize(path).replace(/\/+$/, '') || '.';
const isGlob = (component: string): boolean => /[*?[]/.test(component);

/** One path component of a glob: `?` is any character, `*` any run of them, `[…]` and `[!…]` a class. */
function componentRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    const close = c === '[' ? glob.indexOf(']', i + 2) : -1;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (close > 0) {
      const body = glob.slice(i + 1, close);
      const negated = body.startsWith('!');
      const chars = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&');
      source += `[${negated ? '^' : ''}${chars}]`;
      i = close;
    } else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Whether the folder `path` (components) matches the glob `pattern` (components); `**` matches any number of folders. */
function matchComponents(pattern: readonly string[], path: readonly string[]): boolean {
  const [first, ...rest] = pattern;
  if (first === undefined) return path.length === 0;
  if (first === '**') return path.some((_, i) => matchComponents(rest, path.slice(i))) || matchComponents(rest, []);
  const [head, ...tail] = path;
  return head !== undefined && componentRegExp(first).test(head) && matchComponents(rest, tail);
}

const components = (path: string): string[] => (path === '.' ? [] : path.split('/'));

/** Whether the folder `member` (relative to the workspace root) is one of the workspace's members. */
export function isWorkspaceMember(workspace: CargoWorkspace, member: string): boolean {
  const path = clean(member);
  const listed = (workspace.members ?? []).map(clean);
  if (listed.includes(path)) return true;
  if (!listed.some((pattern) => isGlob(pattern) && matchComponents(components(pattern), components(path)))) return false;
  return !isExcluded(workspace, path);
}

/** Whether `exclude` takes out the folder `member` (itself or a folder above it), which `members` does not name as it is. */
export function isExcluded(workspace: CargoWorkspace, member: string): boolean {
  const path = clean(member);
  if ((workspace.members ?? []).map(clean).includes(path)) return false;
  return (workspace.exclude ?? []).map(clean).some((folder) => folder === '.' || path === folder || path.startsWith(`${folder}/`));
}

/**
 * The folders (relative to the project root) of the workspace at `root` whose members its `members` globs match,
 * in their order, each once, those `exclude` takes out left out; a folder without Cargo.toml is the caller's to skip.
 */
export async function workspaceMemberFolders(files: ProjectFiles, root: string, workspace: CargoWorkspace): Promise<string[]> {
  const found: string[] = [];
  for (const pattern of (workspace.members ?? []).map(clean)) {
    const parts = components(pattern);
    if (!parts.some(isGlob)) {
      found.push(pattern);
      continue;
    }
    // the folders the glob can reach, walked from its last plain folder
    const fixed = parts.slice(0, parts.findIndex(isGlob));
    const rest = parts.slice(fixed.length);
    const depth = rest.includes('**') ? globstarDepth + rest.length : rest.length;
    const base = fixed.length === 0 ? '.' : fixed.join('/');
    const walk = async (dir: string, level: number): Promise<void> => {
      if (level > 0 && matchComponents(rest, components(dir).slice(fixed.length))) found.push(dir);
      if (level === depth) return;
      for (const name of (await files.entries(joinPath(root, dir))).folders) {
        // `**` does not descend into build output and dependencies (target/, node_modules/, .git/)
        if (rest.includes('**') && skippedDirs.has(name)) continue;
        await walk(joinPath(dir, name), level + 1);
      }
    };
    await walk(base, 0);
  }
  return [...new Set(found)].filter((member) => !isExcluded(workspace, member));
}

/**
 * The binary targets of the package in `dir`: its `[[bin]]` tables and, unless `autobins = false`, the targets Cargo
 * discovers (`src/main.rs`, named for the package; `src/bin/NAME.rs`; `src/bin/NAME/main.rs`) that no `[[bin]]`
 * names or points at. `src/main.rs` comes first, then the tables, then `src/bin`.
 */
export async function binaryTargets(files: ProjectFiles, dir: string, cargo: CargoTargets): Promise<string[]> {
  if (cargo.package === undefined) return [];
  const explicit = (cargo.bin ?? []).flatMap((b) => {
    // a table without a name is named for its file, as `cargo` suggests
    const name = b.name ?? (b.path === undefined ? undefined : posix.basename(b.path, '.rs'));
    return name === undefined ? [] : [{ name, path: b.path === undefined ? undefined : clean(b.path) }];
  });
  const auto: { name: string; path: string }[] = [];
  if (cargo.package.autobins !== false) {
    if (await files.isFile(joinPath(dir, 'src/main.rs'))) auto.push({ name: cargo.package.name, path: 'src/main.rs' });
    const { folders, files: sources } = await files.entries(joinPath(dir, 'src/bin'));
    for (const source of sources.filter((n) => n.endsWith('.rs'))) auto.push({ name: source.slice(0, -3), path: `src/bin/${source}` });
    for (const folder of folders) if (await files.isFile(joinPath(dir, `src/bin/${folder}/main.rs`))) auto.push({ name: folder, path: `src/bin/${folder}/main.rs` });
  }
  const kept = auto.filter((a) => !explicit.some((e) => e.name === a.name || e.path === a.path));
  const main = kept.filter((a) => a.path === 'src/main.rs');
  return [...new Set([...main, ...explicit, ...kept.filter((a) => a.path !== 'src/main.rs')].map((t) => t.name))];
}

/** An explicit target table of a manifest, as far as its file goes. */
interface TargetTable {
  name?: string | undefined;
  path?: string | undefined;
}

/** A manifest's explicit targets: where Cargo looks for their files. */
export interface CargoTargetTables extends CargoTargets {
  package?: { name: string; autobins?: boolean | undefined; build?: string | boolean | undefined } | undefined;
  lib?: TargetTable | undefined;
  example?: TargetTable[] | undefined;
  test?: TargetTable[] | undefined;
  bench?: TargetTable[] | undefined;
}

/**
 * The files the manifest of the package in `dir` names for its targets, which Cargo needs when it loads the manifest
 * (a `[[test]]` whose file is not there: "can't find `it` test at `tests/it.rs`") or builds it (a missing `[lib]`
 * path or build script: "couldn't read …"), so a build before the sources are copied fails unless a placeholder
 * stands at each: `main` are programs (the `[[bin]]`, `[[example]]`, `[[test]]` and `[[bench]]` tables' `path`, or
 * the file Cargo takes for a table's name, such as src/bin/NAME.rs or tests/NAME/main.rs, and `[package] build`),
 * `lib` the `[lib]` table's `path` (src/lib.rs without one). src/main.rs, which the placeholder build always has, is
 * left out; so is a target auto-discovered without a table, which is not there before the copy and so not built.
 */
export async function declaredTargetFiles(files: ProjectFiles, dir: string, cargo: CargoTargetTables): Promise<{ main: string[]; lib?: string }> {
  const main: string[] = [];
  const add = (path: string | undefined): void => {
    if (path !== undefined && path !== 'src/main.rs' && !main.includes(path)) main.push(path);
  };
  const tables: [TargetTable[] | undefined, string][] = [
    [cargo.bin, 'src/bin'],
    [cargo.example, 'examples'],
    [cargo.test, 'tests'],
    [cargo.bench, 'benches'],
  ];
  for (const [list, folder] of tables) {
    for (const table of list ?? []) {
      let path = table.path === undefined ? undefined : clean(table.path);
      if (path === undefined && table.name !== undefined) {
        for (const candidate of [`${folder}/${table.name}.rs`, `${folder}/${table.name}/main.rs`]) {
          if (path === undefined && (await files.isFile(joinPath(dir, candidate)))) path = candidate;
        }
      }
      add(path);
    }
  }
  const build = cargo.package?.build;
  if (typeof build === 'string') add(clean(build));
  if (cargo.lib === undefined) return { main };
  const lib = cargo.lib.path === undefined ? 'src/lib.rs' : clean(cargo.lib.path);
  return main.includes(lib) || lib === 'src/main.rs' ? { main } : { main, lib };
}
