/**
 * Rust: `Cargo.toml`. A package with a binary target is an app; a workspace's members with binaries are its
 * apps, built from the workspace root. Dependencies known to link C libraries keep the glibc + cc runtime;
 * everything else becomes a static binary (`+crt-static`, glibc target: Debian's rustc has no musl).
 */
import { posix } from 'node:path';
import { z } from 'zod';
import { parseTomlAs } from '../../../internal/parse-toml.js';
import { findHealthPath } from '../../health.js';
import { findPort } from '../../ports.js';
import { filesAbove, joinPath, type ProjectFiles } from '../../project-files.js';
import type { Detector, RustApp } from '../../types.js';
import { maxMemberEntries } from '../../member-globs.js';
import { binaryTargets, type CargoWorkspace, declaredTargetFiles, implicitMembers, isExcluded, isWorkspaceMember, pathDependencies, workspaceMemberFolders } from './workspace.js';

/** A `[lib]`, `[[bin]]`, `[[example]]`, `[[test]]` or `[[bench]]` table, as far as its file goes. */
const targetTable = z.looseObject({ name: z.string().optional(), path: z.string().optional() });

/** A dependency table: name → version string or table (`path`, `workspace = true`, …), read by workspace.ts. */
const dependencyTable = z.record(z.string(), z.unknown());
const dependencyTables = { dependencies: dependencyTable.optional(), 'dev-dependencies': dependencyTable.optional(), 'build-dependencies': dependencyTable.optional() };

const cargoSchema = z.looseObject({
  package: z
    .looseObject({ name: z.string(), 'rust-version': z.string().optional(), autobins: z.boolean().optional(), 'default-run': z.string().optional(), build: z.union([z.string(), z.boolean()]).optional() })
    .optional(),
  bin: z.array(targetTable).optional(),
  lib: targetTable.optional(),
  example: z.array(targetTable).optional(),
  test: z.array(targetTable).optional(),
  bench: z.array(targetTable).optional(),
  workspace: z.looseObject({ members: z.array(z.string()).optional(), exclude: z.array(z.string()).optional(), dependencies: dependencyTable.optional() }).optional(),
  ...dependencyTables,
  target: z.record(z.string(), z.looseObject(dependencyTables)).optional(),
});

/** Crates that link a C library from the system (or build one that needs libc at run time). */
const nativeCrates = ['openssl-sys', 'openssl', 'native-tls', 'libsqlite3-sys', 'rusqlite', 'pq-sys', 'diesel', 'mysqlclient-sys', 'libgit2-sys', 'git2', 'libz-sys', 'curl-sys', 'rdkafka-sys'];

/** Cargo's configuration: only the source replacements matter here (a `directory` source is vendored code). */
const cargoConfigSchema = z.looseObject({
  source: z.record(z.string(), z.looseObject({ directory: z.string().optional() })).optional(),
});

async function readToml<T extends z.ZodType>(files: ProjectFiles, path: string, schema: T): Promise<z.infer<T> | undefined> {
  const text = await files.readText(path);
  return text === undefined ? undefined : parseTomlAs(text, schema, path).value;
}

const readCargo = (files: ProjectFiles, path: string): Promise<z.infer<typeof cargoSchema> | undefined> => readToml(files, path, cargoSchema);

/**
 * The project's `.cargo/config` (which Cargo prefers when both exist) or `.cargo/config.toml` at the context root,
 * and the directory sources it names inside the context: both must be in the image before the dependency build.
 * Relative paths are relative to the folder holding `.cargo`; absolute ones (Debian's `/usr/share/cargo/registry`)
 * belong to the builder image.
 */
async function cargoConfigOf(files: ProjectFiles, dir: string): Promise<{ cargoConfig?: string; vendored: string[]; notes: string[] }> {
  for (const name of ['.cargo/config', '.cargo/config.toml']) {
    const config = await readToml(files, joinPath(dir, name), cargoConfigSchema);
    if (config === undefined) continue;
    const named = Object.values(config.source ?? {})
      .map((s) => s.directory)
      .filter((d): d is string => d !== undefined && !d.startsWith('/'))
      .map((d) => posix.normalize(d).replace(/\/+$/, ''))
      .filter((d) => d !== '.' && d !== '..' && !d.startsWith('../'));
    const vendored: string[] = [];
    const notes: string[] = [];
    for (const d of new Set(named)) {
      // a COPY of a missing folder fails the build: say so instead (vendor folders are often left out of git)
      if ((await files.list(joinPath(dir, d))).length > 0) vendored.push(d);
      else notes.push(`${joinPath(dir, name)}: the directory source ${d} is missing or empty; run \`cargo vendor\` before building`);
    }
    return { cargoConfig: name, vendored, notes };
  }
  return { vendored: [], notes: [] };
}

/**
 * The crate's binary target (undefined for a library), the others, and why that one: the binary `[package]
 * default-run` names, as `cargo run` picks it, else the first of several.
 */
async function binaryOf(files: ProjectFiles, dir: string, cargo: z.infer<typeof cargoSchema>): Promise<{ bin?: string; others: string[]; choice?: RustApp['binChoice']; notes: string[] }> {
  const all = await binaryTargets(files, dir, cargo);
  const defaultRun = cargo.package?.['default-run'];
  const manifest = joinPath(dir, 'Cargo.toml');
  if (defaultRun !== undefined && all.includes(defaultRun)) {
    const others = all.filter((b) => b !== defaultRun);
    return others.length > 0 ? { bin: defaultRun, others, choice: 'default-run', notes: [] } : { bin: defaultRun, others, notes: [] };
  }
  const [bin, ...others] = all;
  if (bin === undefined) return { others, notes: [] };
  const notes: string[] = [];
  // Cargo refuses such a manifest ("default-run target `x` not found"): the build fails until it is mended
  if (defaultRun !== undefined) notes.push(`${manifest}: default-run names ${defaultRun}, which is none of its binaries (${all.join(', ')}); Cargo refuses the manifest until it names one`);
  if (others.length > 0) notes.push(`${manifest}: also has binaries ${others.join(', ')}; the Dockerfile builds ${bin}, the first; set default-run = "NAME" in [package] to build another`);
  return others.length > 0 ? { bin, others, choice: 'first', notes } : { bin, others, notes };
}

/**
 * A reader of the package manifests of the workspace at `root` (`.` the root's own, given), each read once; a folder
 * without a `[package]` gives undefined.
 */
function packageReader(files: ProjectFiles, root: string, rootCargo: z.infer<typeof cargoSchema>): (member: string) => Promise<z.infer<typeof cargoSchema> | undefined> {
  const read = new Map<string, Promise<z.infer<typeof cargoSchema> | undefined>>();
  return (member) => {
    let cargo = read.get(member);
    if (cargo === undefined) {
      cargo = (member === '.' ? Promise.resolve(rootCargo) : readCargo(files, joinPath(root, `${member}/Cargo.toml`))).then((c) => (c?.package === undefined ? undefined : c));
      read.set(member, cargo);
    }
    return cargo;
  };
}

/**
 * The path dependencies of a package outside any workspace (folders relative to `dir`), theirs included, found as
 * Cargo walks a workspace's implicit members: its dependency build, made before the sources are copied, reads their
 * manifests and sources ("failed to get `helper` as a dependency" without them). One outside the folder, which the
 * build context does not hold, is a note.
 */
async function standalonePathDeps(files: ProjectFiles, dir: string, cargo: z.infer<typeof cargoSchema>, notes: string[]): Promise<string[]> {
  const read = packageReader(files, dir, cargo);
  const inside = await implicitMembers({}, ['.'], read);
  for (const folder of ['.', ...inside]) {
    const manifest = await read(folder);
    if (manifest === undefined) continue;
    for (const dep of pathDependencies({}, folder, manifest).filter((d) => d === '..' || d.startsWith('../') || posix.isAbsolute(d))) {
      notes.push(`${joinPath(dir, joinPath(folder, 'Cargo.toml'))}: the path dependency ${dep} lies outside the build context; the image build cannot read it`);
    }
  }
  return inside;
}

export const rustDetector: Detector = {
  ecosystem: 'rust',
  async detect(files: ProjectFiles, dir: string): Promise<RustApp[]> {
    const cargo = await readCargo(files, joinPath(dir, 'Cargo.toml'));
    if (cargo === undefined) return [];
    const hasLockfile = await files.isFile(joinPath(dir, 'Cargo.lock'));
    const members: { path: string; cargo: z.infer<typeof cargoSchema> }[] = [];
    if (cargo.package !== undefined) members.push({ path: dir, cargo });
    const search = cargo.workspace === undefined ? { members: [], capped: false } : await workspaceMemberFolders(files, dir, cargo.workspace);
    const readPackage = packageReader(files, dir, cargo);
    // the path dependencies of members inside the root are members too (implicit ones), apps among them
    const listed = cargo.package === undefined ? search.members : ['.', ...search.members];
    const implicit = cargo.workspace === undefined ? [] : await implicitMembers(cargo.workspace, listed, readPackage);
    for (const member of [...search.members, ...implicit]) {
      if (member === '.') continue;
      const memberCargo = await readPackage(member);
      if (memberCargo !== undefined) members.push({ path: joinPath(dir, member), cargo: memberCargo });
    }
    const workspace = cargo.workspace !== undefined;
    const { cargoConfig, vendored, notes: configNotes } = await cargoConfigOf(files, dir);
    const apps: RustApp[] = [];
    for (const member of members) {
      const { bin, others, choice, notes } = await binaryOf(files, member.path, member.cargo);
      if (bin === undefined) continue;
      notes.push(...configNotes);
      if (search.capped) notes.push(`${joinPath(dir, 'Cargo.toml')}: the search for workspace members stopped after ${maxMemberEntries} folder entries; members in the folders left unread are not listed`);
      if (!hasLockfile) notes.push(`${joinPath(dir, 'Cargo.lock')}: missing; builds are not reproducible until it is committed`);
      const deps = Object.keys({ ...(cargo.dependencies ?? {}), ...(member.cargo.dependencies ?? {}) });
      const nativeDeps = deps.filter((d) => nativeCrates.includes(d));
      const sources = await files.findFiles(joinPath(member.path, 'src'), (n) => n.endsWith('.rs'), { maxFiles: 200 });
      const port = await findPort(files, sources, [/"[\w.]*:(\d{4,5})"/g, /\bport\b[^\n;]*?(\d{4,5})/gi]);
      const healthPath = await findHealthPath(files, sources);
      const rustVersion = member.cargo.package?.['rust-version'];
      const targetFiles = await declaredTargetFiles(files, member.path, member.cargo);
      const pathDeps = workspace ? [] : await standalonePathDeps(files, dir, cargo, notes);
      apps.push({
        ecosystem: 'rust',
        path: member.path,
        context: dir,
        name: bin,
        ...(port === undefined ? {} : { port }),
        ...(healthPath === undefined ? {} : { healthPath }),
        notes,
        bin,
        ...(member.cargo.package === undefined ? {} : { package: member.cargo.package.name }),
        ...(choice === undefined ? {} : { binChoice: choice, otherBins: others }),
        ...(targetFiles.main.length === 0 ? {} : { mainFiles: targetFiles.main }),
        ...(targetFiles.lib === undefined ? {} : { libFile: targetFiles.lib }),
        workspace,
        hasLockfile,
        ...(rustVersion === undefined ? {} : { rustVersion }),
        nativeDeps,
        ...(cargoConfig === undefined ? {} : { cargoConfig }),
        vendored,
        ...(pathDeps.length === 0 ? {} : { pathDeps }),
      });
    }
    return apps;
  },
};

/**
 * Whether the folder `member` (relative to the workspace root `root`, which `exclude` does not take out) is a member
 * of the workspace: one `members` names or a glob there matches, or a path dependency of a member (an implicit one).
 * A member manifest that does not parse ends its path, as the refusal this serves is no place to report it.
 */
async function isMemberOf(files: ProjectFiles, root: string, cargo: z.infer<typeof cargoSchema>, workspace: CargoWorkspace, member: string): Promise<boolean> {
  if (isWorkspaceMember(workspace, member)) return true;
  const { members } = await workspaceMemberFolders(files, root, workspace);
  const read = packageReader(files, root, cargo);
  const implicit = await implicitMembers(workspace, cargo.package === undefined ? members : ['.', ...members], (m) => read(m).catch(() => undefined));
  return implicit.includes(member);
}

/**
 * The Cargo workspace above `absDir` (an absolute package folder) that has it as a member, as Cargo finds it (the
 * nearest `Cargo.toml` above with a `[workspace]` table): its folder (absolute) and the member's folder relative to
 * it; undefined when there is none. Its members build from the workspace root, which holds Cargo.lock.
 */
export async function findEnclosingCargoWorkspace(absDir: string): Promise<{ root: string; member: string } | undefined> {
  const above = filesAbove(absDir);
  if (above === undefined) return undefined;
  const { files, dir, absolute } = above;
  for (let up = posix.dirname(dir); ; up = posix.dirname(up)) {
    const cargo = await readCargo(files, joinPath(up, 'Cargo.toml')).catch(() => undefined);
    if (cargo?.workspace !== undefined) {
      const member = up === '.' ? dir : dir.slice(up.length + 1);
      // a package the workspace excludes looks further up for its workspace, as Cargo does
      if (!isExcluded(cargo.workspace, member)) return (await isMemberOf(files, up, cargo, cargo.workspace, member)) ? { root: absolute(up), member } : undefined;
    }
    if (up === '.') return undefined;
  }
}
