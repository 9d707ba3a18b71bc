/**
 * Go: `go.mod` marks a module; its main packages (the root or `cmd/*`) are the apps. The Go version comes
 * from the `toolchain` or `go` line; cgo is assumed when a package of the module imports "C" or go.mod requires a
 * module that works only with cgo (go-sqlite3). A module a `go.work` uses builds from the workspace root, with every
 * module the workspace uses (./workspace.ts).
 */
import { posix } from 'node:path';
import { findHealthPath } from '../../health.js';
import { findPort } from '../../ports.js';
import { joinPath, type ProjectFiles } from '../../project-files.js';
import type { Detector, GoApp } from '../../types.js';
import { findGoWork, leavesFolder, parseGoWork, relativeTo } from './workspace.js';

/** `go 1.22.3` / `toolchain go1.23.1` → `1.23` (the toolchain wins: it is what the module really builds with). */
export function goVersionOf(goMod: string): string | undefined {
  const toolchain = /^toolchain\s+go(\d+\.\d+)/m.exec(goMod);
  if (toolchain?.[1] !== undefined) return toolchain[1];
  return /^go\s+(\d+\.\d+)/m.exec(goMod)?.[1];
}

/**
 * The directories go.mod's `replace` directives put in place of modules (`=> ./lib`, `=> ../shared`), as written:
 * local replacements are read by `go mod download`, so their go.mod must be in the image before it runs.
 */
export function localReplacements(goMod: string): string[] {
  const text = goMod.replace(/\/\/.*$/gm, '');
  const lines: string[] = [];
  for (const block of text.matchAll(/^replace\s*\(([^)]*)\)/gm)) lines.push(...(block[1] ?? '').split('\n'));
  for (const single of text.matchAll(/^replace\s+([^(\n].*)$/gm)) lines.push(single[1] ?? '');
  const paths: string[] = [];
  for (const line of lines) {
    // a local path starts with ./ or ../ (or is absolute); anything else is a module path and version
    const match = /=>\s*(?:"((?:\.{1,2})?\/[^"]*)"|((?:\.{1,2})?\/\S*))$/.exec(line.trim());
    const target = match?.[1] ?? match?.[2];
    if (target !== undefined && !paths.includes(target)) paths.push(target);
  }
  return paths;
}

const importsC = /^import\s+(?:\(\s*[^)]*)?"C"/m;

/**
 * Modules that work only with cgo: built with CGO_ENABLED=0 they compile and then fail at run time (go-sqlite3's
 * "requires cgo to work") or do not compile at all (confluent-kafka-go's bundled librdkafka).
 */
const cgoModules = ['github.com/mattn/go-sqlite3', 'github.com/confluentinc/confluent-kafka-go'];

/**
 * Where the build's modules (a workspace's every used one) use cgo outside the main package: a package that imports
 * "C", or a cgo-only module a go.mod requires; `file` is the go.mod a note names.
 */
async function buildCgo(files: ProjectFiles, modules: readonly BuildModule[]): Promise<{ file: string; reason: string } | undefined> {
  for (const module of modules) {
    const file = joinPath(module.dir, 'go.mod');
    const required = cgoModules.find((m) => new RegExp(`^\\s*(?:require\\s+)?${m.replace(/[.]/g, '\\.')}(?:/v\\d+)?\\s+v`, 'm').test(module.goMod));
    if (required !== undefined) return { file, reason: `requires ${required}, which needs cgo` };
    // a module nested in this one's folder is not part of it (its own go.mod names it)
    const nested = modules.filter((o) => o.dir !== module.dir && (module.dir === '.' || o.dir.startsWith(`${module.dir}/`))).map((o) => `${o.dir}/`);
    const sources = await files.findFiles(module.dir, (n) => n.endsWith('.go') && !n.endsWith('_test.go'), { maxFiles: 2000 });
    for (const source of sources.filter((s) => !nested.some((n) => s.startsWith(n)))) {
      const text = await files.readText(source, 512 * 1024).catch(() => undefined);
      if (text !== undefined && importsC.test(text)) return { file, reason: `${source} imports "C"` };
    }
  }
  return undefined;
}

/** A module whose sources the image builds: its folder relative to the project root and its go.mod. */
interface BuildModule {
  dir: string;
  goMod: string;
}

/** How a module builds: alone from its folder, or from the root of the Go workspace that uses it. */
interface ModuleLayout {
  context: string;
  /** The modules of the build, the app's own first. */
  modules: BuildModule[];
  /** Local replacement folders, relative to the context. */
  localModules: string[];
  notes: string[];
  workspace?: NonNullable<GoApp['workspace']>;
  goWorkOff: boolean;
  goVersion?: string;
}

/**
 * The local folders the `replace` directives of `file` (in folder `base`) name, relative to `context`; one outside
 * the context or without a go.mod is a note instead.
 */
async function localModulesOf(files: ProjectFiles, file: string, base: string, context: string, text: string, notes: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const target of localReplacements(text)) {
    const path = posix.isAbsolute(target) ? target : posix.normalize(joinPath(base, target)).replace(/\/+$/, '');
    const inside = !posix.isAbsolute(path) && (context === '.' ? !leavesFolder(path) : path === context || path.startsWith(`${context}/`));
    if (!inside) {
      notes.push(`${file}: replaces a module with ${target}, outside the build context ${context}; go mod download fails until it is inside (or vendored)`);
    } else if (!(await files.isFile(joinPath(path, 'go.mod')).catch(() => false))) {
      notes.push(`${file}: replaces a module with ${target}, which has no go.mod; go mod download will fail`);
    } else found.push(relativeTo(context, path));
  }
  return found;
}

/**
 * The module in `dir` alone, or as a module of the go.work the go command finds in its folder or above: when the
 * workspace uses it, the build context is the workspace root (go.work and every module it uses are there); a
 * workspace that does not list it, or uses a folder outside its root, leaves the module to build alone, with a note.
 */
async function layoutOf(files: ProjectFiles, dir: string, goMod: string): Promise<ModuleLayout> {
  const alone = async (notes: string[], goWorkOff: boolean): Promise<ModuleLayout> => {
    const localModules = await localModulesOf(files, joinPath(dir, 'go.mod'), dir, dir, goMod, notes);
    const goVersion = goVersionOf(goMod);
    return { context: dir, modules: [{ dir, goMod }], localModules, notes, goWorkOff, ...(goVersion === undefined ? {} : { goVersion }) };
  };
  const work = await findGoWork(files, dir);
  if (work === undefined) return alone([], false);
  const { uses } = parseGoWork(work.text);
  const folderOf = (use: string): string => posix.normalize(joinPath(work.root, use)).replace(/\/+$/, '') || '.';
  // a go.work in the module's own folder is copied with the sources; go build then needs GOWORK=off to build alone
  const inContext = work.root === dir;
  const off = inContext ? ' (GOWORK=off)' : '';
  if (!uses.some((use) => !posix.isAbsolute(use) && folderOf(use) === dir)) {
    return alone([`${work.path}: does not use ${dir}, so the image builds the module alone${off}; go work use ${relativeTo(work.root, dir)} makes it a module of the workspace`], inContext);
  }
  const outside = uses.filter(leavesFolder);
  if (outside.length > 0) {
    return alone([`${work.path}: uses ${outside.join(', ')}, outside the workspace root ${work.root}, so the image builds ${dir} alone${off}; modules it takes from the workspace must be required at published versions (or replaced inside ${dir})`], inContext);
  }
  const notes: string[] = [];
  const modules: (BuildModule & { hasGoSum: boolean })[] = [];
  for (const folder of [...new Set(uses.map(folderOf))].sort()) {
    const text = folder === dir ? goMod : await files.readText(joinPath(folder, 'go.mod')).catch(() => undefined);
    if (text === undefined) {
      notes.push(`${work.path}: uses ${relativeTo(work.root, folder)}, which has no go.mod; go mod download will fail`);
      continue;
    }
    modules.push({ dir: folder, goMod: text, hasGoSum: await files.isFile(joinPath(folder, 'go.sum')).catch(() => false) });
  }
  // go.work's replacements (relative to its folder) win over the modules' own, which apply too (relative to theirs)
  const localModules = await localModulesOf(files, work.path, work.root, work.root, work.text, notes);
  for (const module of modules) localModules.push(...(await localModulesOf(files, joinPath(module.dir, 'go.mod'), module.dir, work.root, module.goMod, notes)));
  const fromWork = goVersionOf(work.text);
  const goVersion = fromWork ?? goVersionOf(goMod);
  return {
    context: work.root,
    modules: [...modules.filter((m) => m.dir === dir), ...modules.filter((m) => m.dir !== dir)],
    localModules: [...new Set(localModules)],
    notes,
    workspace: {
      member: relativeTo(work.root, dir),
      modules: modules.map((m) => ({ path: relativeTo(work.root, m.dir), hasGoSum: m.hasGoSum })),
      goWorkSum: await files.isFile(joinPath(work.root, 'go.work.sum')).catch(() => false),
      goVersionFrom: fromWork === undefined ? 'go.mod' : 'go.work',
    },
    goWorkOff: false,
    ...(goVersion === undefined ? {} : { goVersion }),
  };
}

async function isMainPackage(files: ProjectFiles, dir: string): Promise<{ main: boolean; cgo: boolean; sources: string[] }> {
  const names = (await files.list(dir)).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go'));
  let main = false;
  let cgo = false;
  const sources: string[] = [];
  for (const name of names) {
    const path = joinPath(dir, name);
    const text = await files.readText(path, 512 * 1024);
    if (text === undefined) continue;
    sources.push(path);
    if (/^package\s+main\b/m.test(text)) main = true;
    if (importsC.test(text)) cgo = true;
  }
  return { main, cgo, sources };
}

export const goDetector: Detector = {
  ecosystem: 'go',
  async detect(files: ProjectFiles, dir: string): Promise<GoApp[]> {
    const goMod = await files.readText(joinPath(dir, 'go.mod'));
    if (goMod === undefined) return [];
    const modulePath = /^module\s+(\S+)/m.exec(goMod)?.[1];
    const hasGoSum = await files.isFile(joinPath(dir, 'go.sum'));
    const layout = await layoutOf(files, dir, goMod);
    // cgo anywhere in the build's modules (checked once): only a main package's own import of "C" was seen before
    let cgoElsewhere: { file: string; reason: string } | undefined | null = null;
    const candidates = ['.', ...(await files.list(joinPath(dir, 'cmd'))).map((n) => `cmd/${n}`)];
    const apps: GoApp[] = [];
    for (const pkg of candidates) {
      const found = await isMainPackage(files, joinPath(dir, pkg));
      if (!found.main) continue;
      const port = await findPort(files, found.sources, [/(?:Addr|ListenAndServe(?:TLS)?|Listen)\s*[:(=]\s*(?:"tcp",\s*)?"[\w.]*:(\d{4,5})"/g, /"PORT"\)?[^\n]*?"(\d{4,5})"/g, /\bport\s*:?=\s*"(\d{4,5})"/gi, /":(\d{4,5})"/g]);
      const healthPath = await findHealthPath(files, found.sources);
      const notes: string[] = [...layout.notes];
      if (!found.cgo && cgoElsewhere === null) cgoElsewhere = await buildCgo(files, layout.modules);
      const cgoReason = found.cgo ? undefined : (cgoElsewhere ?? undefined);
      if (cgoReason !== undefined) notes.push(`${cgoReason.file}: ${cgoReason.reason}; the binary is built with cgo, and the runtime keeps glibc (distroless base)`);
      if (found.cgo) notes.push(`${joinPath(dir, pkg)}: imports "C"; the runtime keeps glibc (distroless base) instead of a static binary`);
      apps.push({
        ecosystem: 'go',
        path: joinPath(dir, pkg),
        context: layout.context,
        name: pkg === '.' ? (modulePath?.split('/').pop() ?? 'app') : pkg.slice('cmd/'.length),
        ...(port === undefined ? {} : { port }),
        ...(healthPath === undefined ? {} : { healthPath }),
        notes,
        ...(layout.goVersion === undefined ? {} : { goVersion: layout.goVersion }),
        mainPackage: pkg,
        hasGoSum,
        ...(layout.localModules.length === 0 ? {} : { localModules: layout.localModules }),
        ...(layout.workspace === undefined ? {} : { workspace: layout.workspace }),
        ...(layout.goWorkOff ? { goWorkOff: true } : {}),
        cgo: found.cgo || cgoReason !== undefined,
      });
    }
    return apps;
  },
};
