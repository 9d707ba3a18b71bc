/**
 * Go: `go.mod` marks a module; its main packages (the root or `cmd/*`) are the apps. The Go version comes
 * from the `toolchain` or `go` line; cgo is assumed when a package of the module imports "C" or go.mod requires a
 * module that works only with cgo (go-sqlite3).
 */
import { posix } from 'node:path';
import { findHealthPath } from '../../health.js';
import { findPort } from '../../ports.js';
import { joinPath, type ProjectFiles } from '../../project-files.js';
import type { Detector, GoApp } from '../../types.js';

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

/** Where the module uses cgo outside the main package: a package that imports "C", or a cgo-only module it requires. */
async function moduleCgo(files: ProjectFiles, dir: string, goMod: string): Promise<string | undefined> {
  const required = cgoModules.find((m) => new RegExp(`^\\s*(?:require\\s+)?${m.replace(/[.]/g, '\\.')}(?:/v\\d+)?\\s+v`, 'm').test(goMod));
  if (required !== undefined) return `requires ${required}, which needs cgo`;
  const sources = await files.findFiles(dir, (n) => n.endsWith('.go') && !n.endsWith('_test.go'), { maxFiles: 2000 });
  for (const source of sources) {
    const text = await files.readText(source, 512 * 1024).catch(() => undefined);
    if (text !== undefined && importsC.test(text)) return `${source} imports "C"`;
  }
  return undefined;
}

/**
 * A Go workspace (`go.work`) the module belongs to: the go command finds it in the module's folder or above. One
 * above is outside the build context, so the image builds the module alone; one in the folder is copied with the
 * sources, and a `use` of a folder outside the context breaks `go build`.
 */
async function workspaceNotes(files: ProjectFiles, dir: string): Promise<string[]> {
  for (let d = dir; ; d = posix.dirname(d)) {
    const path = joinPath(d, 'go.work');
    const text = await files.readText(path, 256 * 1024).catch(() => undefined);
    if (text !== undefined) {
      if (d !== dir) return [`${path}: ${dir} is a module of this Go workspace, but the image builds it alone from ${dir}; modules it takes from the workspace must be required at published versions (or replaced inside ${dir})`];
      const uses = [...text.replace(/\/\/.*$/gm, '').matchAll(/^\s*(?:use\s+)?("?)(\.{1,2}\/[^\s"]*|\.)\1\s*$/gm)].map((m) => m[2] ?? '');
      const outside = uses.filter((u) => posix.normalize(u).startsWith('..'));
      return outside.length === 0 ? [] : [`${path}: uses ${outside.join(', ')}, outside the build context ${dir}; go build fails in the image (set GOWORK=off, or build from the workspace root)`];
    }
    if (d === '.' || d === '') return [];
  }
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
    const goVersion = goVersionOf(goMod);
    const hasGoSum = await files.isFile(joinPath(dir, 'go.sum'));
    const replaced: string[] = [];
    const moduleNotes: string[] = [];
    moduleNotes.push(...(await workspaceNotes(files, dir)));
    for (const target of localReplacements(goMod)) {
      const path = posix.normalize(target).replace(/\/+$/, '');
      if (posix.isAbsolute(path) || path === '..' || path.startsWith('../')) {
        moduleNotes.push(`${joinPath(dir, 'go.mod')}: replaces a module with ${target}, outside the build context ${dir}; go mod download fails until it is inside (or vendored)`);
      } else if (!(await files.isFile(joinPath(dir, `${path}/go.mod`)).catch(() => false))) {
        moduleNotes.push(`${joinPath(dir, 'go.mod')}: replaces a module with ${target}, which has no go.mod; go mod download will fail`);
      } else replaced.push(path);
    }
    // cgo anywhere in the module's build (checked once): only a main package's own import of "C" was seen before
    let cgoElsewhere: string | undefined | null = null;
    const candidates = ['.', ...(await files.list(joinPath(dir, 'cmd'))).map((n) => `cmd/${n}`)];
    const apps: GoApp[] = [];
    for (const pkg of candidates) {
      const found = await isMainPackage(files, joinPath(dir, pkg));
      if (!found.main) continue;
      const port = await findPort(files, found.sources, [/(?:Addr|ListenAndServe(?:TLS)?|Listen)\s*[:(=]\s*(?:"tcp",\s*)?"[\w.]*:(\d{4,5})"/g, /"PORT"\)?[^\n]*?"(\d{4,5})"/g, /\bport\s*:?=\s*"(\d{4,5})"/gi, /":(\d{4,5})"/g]);
      const healthPath = await findHealthPath(files, found.sources);
      const notes: string[] = [...moduleNotes];
      if (!found.cgo && cgoElsewhere === null) cgoElsewhere = await moduleCgo(files, dir, goMod);
      const cgoReason = found.cgo ? undefined : (cgoElsewhere ?? undefined);
      if (cgoReason !== undefined) notes.push(`${joinPath(dir, 'go.mod')}: ${cgoReason}; the binary is built with cgo, and the runtime keeps glibc (distroless base)`);
      if (found.cgo) notes.push(`${joinPath(dir, pkg)}: imports "C"; the runtime keeps glibc (distroless base) instead of a static binary`);
      apps.push({
        ecosystem: 'go',
        path: joinPath(dir, pkg),
        context: dir,
        name: pkg === '.' ? (modulePath?.split('/').pop() ?? 'app') : pkg.slice('cmd/'.length),
        ...(port === undefined ? {} : { port }),
        ...(healthPath === undefined ? {} : { healthPath }),
        notes,
        ...(goVersion === undefined ? {} : { goVersion }),
        mainPackage: pkg,
        hasGoSum,
        ...(replaced.length === 0 ? {} : { localModules: replaced }),
        cgo: found.cgo || cgoReason !== undefined,
      });
    }
    return apps;
  },
};
