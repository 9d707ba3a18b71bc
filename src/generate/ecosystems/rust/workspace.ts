/**
 * Cargo workspaces and targets, read as Cargo reads them (doc.rust-lang.org/cargo/reference/workspaces.html and
 * cargo-targets.html#target-auto-discovery): `[workspace] members` are globs (the `glob` crate's `?`, `*`, `**` and
 * `[…]`, read by src/generate/member-globs.ts) matching folders, `exclude` takes a folder and everything below it out
 * unless `members` names it as it is; a package's binaries are its `[[bin]]` tables and, unless `autobins = false`,
 * `src/main.rs`, `src/bin/*.rs` and `src/bin/*\/main.rs`.
 */
import { posix } from 'node:path';
import { findMemberFolders, isGlob, maxMemberEntries, type MemberSearch, memberGlob } from '../../member-globs.js';
import { joinPath, type ProjectFiles } from '../../project-files.js';

/** A `[workspace]` table's member globs and excluded folders, as written, and its shared dependencies. */
export interface CargoWorkspace {
  members?: string[] | undefined;
  exclude?: string[] | undefined;
  /** `[workspace.dependencies]`: a member's `name = { workspace = true }` takes its `path` from here. */
  dependencies?: Record<string, unknown> | undefined;
}

/** A manifest's dependency tables, as far as path dependencies go: its own and those of `[target.'cfg(…)']` tables. */
export interface CargoDependencyTables {
  dependencies?: Record<string, unknown> | undefined;
  'dev-dependencies'?: Record<string, unknown> | undefined;
  'build-dependencies'?: Record<string, unknown> | undefined;
  target?: Record<string, { dependencies?: Record<string, unknown> | undefined; 'dev-dependencies'?: Record<string, unknown> | undefined; 'build-dependencies'?: Record<string, unknown> | undefined }> | undefined;
}

/** A manifest's `[package]` and `[[bin]]` tables, as far as binaries go. */
export interface CargoTargets {
  package?: { name: string; autobins?: boolean | undefined } | undefined;
  bin?: { name?: string | undefined; path?: string | undefined }[] | undefined;
}

const clean = (path: string): string => posix.normalize(path).replace(/\/+$/, '') || '.';

/** Whether the folder `member` (relative to the workspace root) is one of the workspace's members. */
export function isWorkspaceMember(workspace: CargoWorkspace, member: string): boolean {
  const path = clean(member);
  const listed = (workspace.members ?? []).map(clean);
  if (listed.includes(path)) return true;
  if (!listed.some((pattern) => isGlob(pattern) && memberGlob(pattern, 'glob-crate').test(path))) return false;
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
 * in their order, each once, those `exclude` takes out left out, found by walking the folders the globs reach
 * (src/generate/member-globs.ts); a folder without Cargo.toml is the caller's to skip. `capped` when the walk
 * stopped at its count of folder entries.
 */
export async function workspaceMemberFolders(files: ProjectFiles, root: string, workspace: CargoWorkspace, maxEntries = maxMemberEntries): Promise<MemberSearch> {
  const listed = (workspace.members ?? []).map(clean);
  const globs = listed.filter(isGlob);
  const walked = await findMemberFolders(files, root, globs, { dialect: 'glob-crate', maxEntries });
  // a folder named as it is stands where `members` names it; those a glob matches, where the glob stands
  const found = listed.flatMap((pattern) => (isGlob(pattern) ? walked.members.filter((m) => memberGlob(pattern, 'glob-crate').test(m)) : [pattern]));
  return { members: [...new Set(found)].filter((member) => !isExcluded(workspace, member)), capped: walked.capped };
}

/** How many manifests the search for implicit members reads: a hostile chain of path dependencies gets no more. */
const maxImplicitMembers = 1_000;

const pathOf = (spec: unknown): string | undefined => {
  if (typeof spec !== 'object' || spec === null || !('path' in spec)) return undefined;
  return typeof spec.path === 'string' ? spec.path : undefined;
};

/**
 * The folders (relative to the workspace root, posix) of the path dependencies the member in `member` declares, in
 * every dependency table Cargo reads (`[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`, and each of
 * those under `[target.…]`); `name = { workspace = true }` takes its path from `[workspace.dependencies]`, relative to
 * the root. A path that leaves the root is kept as it is (`../x`), for the caller to drop.
 */
export function pathDependencies(workspace: CargoWorkspace, member: string, cargo: CargoDependencyTables): string[] {
  const tables = [cargo, ...Object.values(cargo.target ?? {})].flatMap((t) => [t.dependencies, t['dev-dependencies'], t['build-dependencies']]);
  const found: string[] = [];
  for (const [name, spec] of tables.flatMap((table) => Object.entries(table ?? {}))) {
    const own = pathOf(spec);
    const inherited = typeof spec === 'object' && spec !== null && 'workspace' in spec && spec.workspace === true ? pathOf(workspace.dependencies?.[name]) : undefined;
    const path = own === undefined ? (inherited === undefined ? undefined : clean(inherited)) : clean(posix.join(member, own));
    if (path !== undefined && !found.includes(path)) found.push(path);
  }
  return found;
}

/**
 * The implicit members of the workspace at `root` (relative to the files' root), as Cargo finds them
 * (doc.rust-lang.org/cargo/reference/workspaces.html#the-members-and-exclude-fields: "all path dependencies residing in
 * the workspace directory automatically become members"): the path dependencies of its members (`members`, the
 * folders of the members globs match and the root package itself, `.`), and theirs in turn, that lie inside the root
 * and that `exclude` does not take out, as folders relative to the root in the order they were met, those in
 * `members` left out. `read` gives a member's manifest: a folder without one is no member, and ends that path.
 */
export async function implicitMembers(
  workspace: CargoWorkspace,
  members: readonly string[],
  read: (member: string) => Promise<CargoDependencyTables | undefined>,
  maxManifests = maxImplicitMembers,
): Promise<string[]> {
  const listed = new Set(members.map(clean));
  const known = new Set(listed);
  const implicit: string[] = [];
  const queue = [...known];
  for (let next = queue.shift(), reads = 0; next !== undefined && reads < maxManifests; next = queue.shift(), reads++) {
    const cargo = await read(next);
    if (cargo === undefined) continue;
    if (!listed.has(next)) implicit.push(next);
    for (const dep of pathDependencies(workspace, next, cargo)) {
      if (known.has(dep) || dep === '..' || dep.startsWith('../') || posix.isAbsolute(dep) || isExcluded(workspace, dep)) continue;
      known.add(dep);
      queue.push(dep);
    }
  }
  return implicit;
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
