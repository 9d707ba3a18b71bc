/**
 * The runtime an image runs and the smallest base it would run on: what the low end of `analyze`'s size estimate
 * assumes. One row per runtime; a row names the command words that start it and finds the files it needs from the
 * old base (an interpreter, its standard library, a JVM), which a smaller base would have to carry. A compiled
 * program (Go, Rust, C) is recognised from its ELF headers, read as the scan passes it (or from its layer again, when
 * the command reaches it through a link of another name): its DT_NEEDED say which
 * distroless base holds what it links. An image whose runtime is none of these gets no base-swap figure.
 */
import { posix } from 'node:path';
import type { FileEntry, FileResolver } from '../fs/index.js';
import type { ContainerConfig } from '../image/types.js';
import { distrolessPreset, type DistrolessPreset, foreignLibraries } from '../internal/distroless-preset.js';
import { ElfFile, isElf } from '../internal/elf.js';

/**
 * Uncompressed sizes of the distroless bases (`gcr.io/distroless/{static,base,cc}-debian12`, as `docker images` shows
 * them): static holds CA certificates, tzdata and /etc/passwd; base adds glibc and OpenSSL; cc adds libstdc++ and libgcc.
 */
export const presetBytes: Record<DistrolessPreset, number> = { static: 2 * 1024 * 1024, base: 20 * 1024 * 1024, cc: 23 * 1024 * 1024 };

export type RuntimeId = 'node' | 'python' | 'java' | 'go' | 'rust' | 'native';

/** The runtime recognised, and what a base swap would keep of the old base. */
export interface RuntimeMatch {
  id: RuntimeId;
  /** The program the container starts (the interpreter or the binary), as found in the image. */
  program: string;
  /** The distroless base the low end assumes. */
  preset: DistrolessPreset;
  /** What the runtime needs from the old base, in words (`the node runtime binary`). */
  carries: string;
  /** Files and folders the runtime needs: counted where the old base's layers hold them. */
  roots: string[];
  /** Paths under `roots` it does not need (Python's site-packages: pip and setuptools). */
  skip?: RegExp;
  /**
   * Native code the runtime loads beyond `roots`, wherever it lies: extension modules and the shared libraries they
   * link (DT_NEEDED, followed library by library), those no distroless base holds. Counted where the old base holds them.
   */
  libraries: string[];
}

/** No runtime recognised, and why. */
export interface RuntimeMiss {
  reason: string;
}

/** What the scan keeps of a shared object (its body, as JSON): what it links and where it looks first. */
interface LinkSummary {
  needed: string[];
  /** DT_RUNPATH: folders searched for the object's own DT_NEEDED after LD_LIBRARY_PATH (`$ORIGIN/../numpy.libs`). */
  runpath?: string[];
  /** DT_RPATH, kept only when there is no DT_RUNPATH (ld.so then ignores it): searched before LD_LIBRARY_PATH. */
  rpath?: string[];
}

/** What the scan keeps of an ELF program the command names (its body, as JSON). */
interface ElfSummary extends LinkSummary {
  interpreter?: string;
  go: boolean;
  rust: boolean;
  error?: string;
}

/** What the scan keeps of a shebang script the command names (its body, as JSON): the words its last `exec` runs. */
interface ScriptSummary {
  /** `$@` stands for the script's arguments (`exec "$@"`); empty when no `exec` line has a simple form. */
  exec: string[];
}

/** How much of a script is read for its `exec` line: entrypoint scripts are a few KiB. */
const maxScriptBytes = 64 * 1024;

/** Scripts looked past, one execing the next (`docker-entrypoint.sh` → `exec "$@"` → `/app/start.sh` → `exec node`). */
export const maxScripts = 3;

/**
 * The words the last `exec` line of a shebang script runs (`exec node server.js`, `exec "$@"`), read from its first
 * 64 KiB; undefined when the body is not a script. Only a simple form counts: plain or quoted words, no operator,
 * redirection, substitution or variable in the program's name; a script whose last `exec` is anything else gives [].
 */
export function scriptExec(body: Buffer): string[] | undefined {
  if (body.length < 2 || body[0] !== 0x23 || body[1] !== 0x21) return undefined;
  const lines = body.subarray(0, maxScriptBytes).toString('utf8').split('\n');
  const line = lines.findLast((l) => /^\s*exec\s/.test(l))?.trim();
  if (line === undefined || /[;&|<>`(){}\\]/.test(line)) return [];
  const words: string[] = [];
  for (const token of line.split(/\s+/).slice(1)) {
    if (token.startsWith('#')) break;
    const word = /^"([^"]*)"$/.exec(token)?.[1] ?? /^'([^']*)'$/.exec(token)?.[1] ?? token;
    if (/["']/.test(word)) return [];
    words.push(word);
  }
  const program = words.find((w) => !launchers.test(w));
  return program === undefined || (program.includes('$') && program !== '$@') ? [] : words;
}

/** The `exec` words the scan kept of a script (`reduceElf`), or read from a body another analyzer kept whole. */
function scriptSummary(body: Buffer): string[] | undefined {
  if (body[0] === 0x23) return scriptExec(body);
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || !('exec' in parsed) || !Array.isArray(parsed.exec)) return undefined;
    return parsed.exec.filter((w) => typeof w === 'string');
  } catch {
    return undefined;
  }
}

/** Words of the command that only start another program: the program after them is the one that runs. */
const launchers = /^(?:tini|tini-static|dumb-init|catatonit|su-exec|gosu|exec|env|--|-[a-z-]*)$/;
const shells = /^(?:sh|bash|ash|dash|zsh)$/;

/** The words of the command the container runs (ENTRYPOINT then CMD, as the engine joins them), shell scripts split. */
export function commandWords(config: ContainerConfig | undefined): string[] {
  const entrypoint = config?.Entrypoint ?? [];
  const words = [...entrypoint, ...(config?.Cmd ?? [])];
  const out: string[] = [];
  for (const [i, w] of words.entries()) {
    // `sh -c "exec node server.js"`: the script's words
    if (w === '-c' && i > 0 && shells.test(posix.basename(words[i - 1] ?? ''))) {
      out.push(...(words[i + 1] ?? '').split(/[\s;&|]+/).filter(Boolean));
      break;
    }
    out.push(w);
  }
  return out.slice(0, 8);
}

function pathDirs(config: ContainerConfig | undefined): string[] {
  const path = config?.Env?.find((e) => e.startsWith('PATH='))?.slice('PATH='.length) ?? '';
  return [...path.split(':').filter((d) => d.startsWith('/')), '/usr/local/bin', '/usr/bin', '/bin'].map((d) => d.replace(/\/+$/, '') || '/');
}

/** The paths a command word may name before symlinks: itself when absolute or relative, else each PATH folder. */
function candidatePaths(word: string, config: ContainerConfig | undefined): string[] {
  if (word.startsWith('/')) return [posix.normalize(word)];
  if (word.includes('/')) return [posix.join(config?.WorkingDir ?? '/', word)];
  return pathDirs(config).map((d) => posix.join(d, word));
}

/**
 * Which files the scan should summarise as ELF programs: an executable whose name is a word of the command (by name,
 * so that a symlink's target with the same name is read too).
 */
export function wantsElf(config: ContainerConfig | undefined): (path: string, mode: number) => boolean {
  // an interpreter is recognised by its name: its binary (node's is 90 MB) need not pass through memory
  const names = new Set(
    commandWords(config)
      .map((w) => posix.basename(w))
      .filter((w) => !launchers.test(w) && !interpreted.some((r) => r.names.test(w))),
  );
  return (path, mode) => (mode & 0o111) !== 0 && names.has(posix.basename(path));
}

/**
 * Summarises an ELF program: what it links and what built it. A script (`#!`): the words of its last `exec` line
 * (`scriptExec`), so that the command is looked past it. Anything else: nothing kept.
 */
export function reduceElf(body: Buffer, path: string): Buffer | undefined {
  if (!isElf(body)) {
    const exec = scriptExec(body);
    return exec === undefined ? undefined : Buffer.from(JSON.stringify({ exec } satisfies ScriptSummary));
  }
  let summary: ElfSummary;
  try {
    const elf = ElfFile.parse(body, path);
    const interpreter = elf.interpreter();
    summary = {
      ...(interpreter === undefined ? {} : { interpreter }),
      needed: elf.needed(),
      // Go writes its build info in .go.buildinfo; Rust's std embeds its source paths (`/rustc/<commit>/library/`)
      // in panic locations, and cargo-auditable adds .dep-v0
      go: elf.section('.go.buildinfo') !== undefined,
      rust: elf.section('.dep-v0') !== undefined || body.includes('/rustc/'),
    };
  } catch (error) {
    summary = { needed: [], go: false, rust: false, error: error instanceof Error ? error.message : String(error) };
  }
  return Buffer.from(JSON.stringify(summary));
}

/**
 * Shared objects larger than this are not read for what they link (each is held whole while the scan reads it):
 * they still count when something links them, but not what they link in turn.
 */
const maxLibraryBytes = 64 * 1024 * 1024;

/**
 * Which files the scan should summarise as shared objects: `*.so` and `*.so.N…` (extension modules, libraries, the
 * JVM's), and Python's versioned interpreter (Debian's links libexpat and zlib; it is small, unlike node's binary).
 * Node's native addons (`*.node`) too. Reading every shared object costs CPU (the 413 shared objects, 35 MB, of the
 * python 3.11 slim stand-in cost 0.2-0.3 s of CPU to buffer and parse), so a command that names its runtime gets less:
 * - node: only its addons (`*.node`) and the shared objects under `node_modules`, which addons bundle and reach
 *   through their run path (sharp's `@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.42`); node's own binary links
 *   nothing distroless/cc lacks. The system libraries these link are read afterwards, layer by layer
 *   (`unreadLibraries`), only when one links some.
 * - python: what the interpreter loads by name (the interpreter, libpython, and what lies under its standard library
 *   or a site-packages or dist-packages folder: lib-dynload's modules, extension modules, the libraries wheels bundle)
 *   and the shared objects directly in the folders where the loader finds a DT_NEEDED name (`librarySearchPath`).
 *   Not gconv's 250 modules, PAM's, OpenSSL's engines: nothing links those; nor glibc, OpenSSL or libstdc++, which
 *   the closure stops at. The rare library reached elsewhere (a run path to /opt/…/lib) is read afterwards from its
 *   layer (`unreadLibraries`). The search folders are read whole, not
 *   only the libraries reached: which those are is known only once the extension modules are parsed, and a second
 *   read of the layer they share costs more than parsing them (0.25 s of CPU for the stand-in's 90 MB layer, against
 *   a few hundredths for the 46 libraries it holds there).
 */
export function wantsLibraries(config: ContainerConfig | undefined): (path: string, size: number, mode: number) => boolean {
  if (startsNode(config)) return (path, size) => size <= maxLibraryBytes && (path.endsWith('.node') || (path.includes('/node_modules/') && /\.so(?:\.\d+)*$/.test(path)));
  if (startsPython(config)) {
    const search = new Set(librarySearchPath(config));
    return (path, size, mode) => readsAsLibrary(path, size, mode) && (pythonLoads(path) || (search.has(posix.dirname(path)) && !distrolessHolds(posix.basename(path))));
  }
  return readsAsLibrary;
}

/**
 * Whether a library's file name says a distroless base holds it (`libstdc++.so.6.0.30` is libstdc++.so.6): the closure
 * never follows one, so what it links is never asked. glibc, OpenSSL and libstdc++ are 11 of the 25 MB in the python
 * stand-in's search folders.
 */
function distrolessHolds(name: string): boolean {
  const m = /^(.*\.so)((?:\.\d+)*)$/.exec(name);
  if (!m?.[1]) return false;
  const versions = (m[2] ?? '').split('.').slice(1);
  for (let k = versions.length; k >= 0; k--) {
    if (foreignLibraries([[m[1], ...versions.slice(0, k)].join('.')]).length === 0) return true;
  }
  return false;
}

/** Whether a file is one `wantsLibraries` reads when the command names no runtime it narrows the scan for. */
function readsAsLibrary(path: string, size: number, mode: number): boolean {
  if (size > maxLibraryBytes) return false;
  const name = posix.basename(path);
  return /\.so(?:\.\d+)*$/.test(name) || name.endsWith('.node') || ((mode & 0o111) !== 0 && /^python\d+\.\d+$/.test(name));
}

/** A standard library (`/usr/lib/python3.11/`, `/usr/local/lib/python3.12/`) or a folder pip installs into. */
const pythonFolders = /\/lib\/python\d+\.\d+\/|\/(?:site|dist)-packages\//;

/** What the python row takes as native code the interpreter loads (`locate`): its binary, libpython, its folders' objects. */
function pythonLoads(path: string): boolean {
  const name = posix.basename(path);
  return pythonFolders.test(path) || /^python\d+\.\d+$/.test(name) || /^libpython\d+\.\d+/.test(name);
}

/**
 * The command as it runs once the scripts it starts are looked past: the first program, when it is a shebang script the
 * scan summarised (`scriptExec`) ending in a simple `exec`, gives way to what that execs (`exec "$@"`: the script's own
 * arguments, the CMD after an entrypoint script), at most 3 scripts deep. `fromScript` says whether any was.
 */
function startedWords(ctx: Context): { words: string[]; fromScript: boolean } {
  let words = commandWords(ctx.config);
  let fromScript = false;
  for (let depth = 0; depth < maxScripts; depth++) {
    const at = words.findIndex((w) => !launchers.test(posix.basename(w)) && !shells.test(posix.basename(w)));
    const word = words[at];
    const entry = word === undefined ? undefined : which(ctx, word);
    const body = entry && ctx.files.body(entry.path);
    const exec = body && scriptSummary(body);
    if (!exec || exec.length === 0) break;
    const next = exec.flatMap((w) => (w === '$@' ? words.slice(at + 1) : [w])).slice(0, 8);
    if (next.length === 0) break;
    words = next;
    fromScript = true;
  }
  return { words, fromScript };
}

/** The command's words past launchers and shells, as `recogniseRuntime` tries them. */
function programWords(config: ContainerConfig | undefined): string[] {
  return commandWords(config).filter((w) => !launchers.test(posix.basename(w)) && !shells.test(posix.basename(w)));
}

function startsNode(config: ContainerConfig | undefined): boolean {
  const node = interpreted.find((r) => r.id === 'node');
  const words = commandWords(config).filter((w) => !launchers.test(posix.basename(w)));
  return node !== undefined && words.some((w) => node.names.test(posix.basename(w)));
}

/**
 * Whether the command's first program is python by its name (`python3 -m app`, `sh -c "exec python app.py"`): the
 * runtime `recogniseRuntime` then takes, whenever the image holds it. Not a link of another name (`/usr/local/bin/app`
 * → python3.11), which only the scan shows: such a command gets the whole read.
 */
function startsPython(config: ContainerConfig | undefined): boolean {
  const first = programWords(config)[0];
  const python = interpreted.find((r) => r.id === 'python');
  return first !== undefined && python !== undefined && !startsNode(config) && python.names.test(posix.basename(first));
}

/** The reached shared objects the scan left unread, and how to read them (`unreadLibraries`). */
export interface UnreadLibraries {
  entries: FileEntry[];
  /**
   * Read with every shared object of their layers (node: what a library links mostly came in the same
   * `apt-get install`), or only they (python: the search folders were read already, what is left is a stray).
   */
  layerWide: boolean;
}

/**
 * The shared objects the runtime's native code reaches that the scan left unread (`wantsLibraries`), so that the caller
 * reads them from their layers and the closure goes on past them. When node runs: the system libraries its addons and
 * the libraries they bundle link (outside `node_modules`, which the scan read; canvas → libcairo → libpixman, libpng…). When python
 * runs: a library found outside the search folders (through a run path), which the old whole read would have parsed.
 * Empty otherwise.
 */
export function unreadLibraries(files: FileResolver, config: ContainerConfig | undefined): UnreadLibraries {
  const ctx: Context = { files, config, ownFrom: undefined };
  if (startsNode(config)) {
    const entries: FileEntry[] = [];
    for (const path of linkClosure(ctx, summarised(ctx, (e) => e.path.endsWith('.node')))) {
      const entry = files.get(path);
      if (entry?.type === 'file' && !path.includes('/node_modules/') && files.body(path) === undefined) entries.push(entry);
    }
    return { entries, layerWide: true };
  }
  const first = programWords(config)[0];
  const python = interpreted.find((r) => r.id === 'python');
  if (!startsPython(config) || first === undefined || python === undefined) return { entries: [], layerWide: false };
  // what the scan chose and kept nothing of (not ELF, no dynamic section) is not read again
  const scanned = wantsLibraries(config);
  const entries: FileEntry[] = [];
  for (const path of python.locate(ctx, first)?.libraries ?? []) {
    const entry = files.get(path);
    if (entry?.type === 'file' && readsAsLibrary(path, entry.size, entry.mode) && !scanned(path, entry.size, entry.mode) && files.body(path) === undefined) entries.push(entry);
  }
  return { entries, layerWide: false };
}

/** Whether the scan would summarise this file as a shared object when the command does not start node. */
export function isSharedObject(path: string, size: number): boolean {
  return size <= maxLibraryBytes && /\.so(?:\.\d+)*$/.test(posix.basename(path));
}

/** Summarises a shared object: what it links. Not ELF, or not readable: nothing kept (it links nothing we know of). */
export function reduceLibrary(body: Buffer, path: string): Buffer | undefined {
  if (!isElf(body)) return undefined;
  try {
    const dynamic = ElfFile.parse(body, path).dynamic();
    if (!dynamic) return undefined;
    // the loader ignores DT_RPATH when DT_RUNPATH is there
    const summary: LinkSummary = {
      needed: dynamic.needed,
      ...(dynamic.runpath.length > 0 ? { runpath: dynamic.runpath } : dynamic.rpath.length > 0 ? { rpath: dynamic.rpath } : {}),
    };
    return Buffer.from(JSON.stringify(summary));
  } catch {
    return undefined;
  }
}

interface Context {
  files: FileResolver;
  config: ContainerConfig | undefined;
  /** The first layer that is the image's own (after the base's), when known. */
  ownFrom: number | undefined;
}

/** The summary `reduceElf` kept for a program; undefined for a body kept whole by another analyzer. */
function elfSummary(body: Buffer): ElfSummary | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || !('needed' in parsed) || !Array.isArray(parsed.needed) || !('go' in parsed) || !('rust' in parsed)) return undefined;
    return parsed as ElfSummary;
  } catch {
    return undefined;
  }
}

/** The link summary the scan kept for a file (`reduceLibrary` or `reduceElf`), if any. */
function linkSummary(ctx: Context, path: string): LinkSummary | undefined {
  const body = ctx.files.body(path);
  if (!body) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || !('needed' in parsed) || !Array.isArray(parsed.needed)) return undefined;
    const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((n) => typeof n === 'string') : []);
    return {
      needed: strings(parsed.needed),
      runpath: strings('runpath' in parsed ? parsed.runpath : undefined),
      rpath: strings('rpath' in parsed ? parsed.rpath : undefined),
    };
  } catch {
    // a body another analyzer kept whole (not a summary)
    return undefined;
  }
}

/**
 * Where the loader looks for any object's DT_NEEDED besides its run path, as ld.so does: LD_LIBRARY_PATH, then Debian's
 * ld.so.conf (`/usr/local/lib`, the multiarch folders) and its defaults; musl's defaults are among them.
 */
function librarySearchPath(config: ContainerConfig | undefined): string[] {
  return [...environmentPath(config), ...systemPath];
}

/** LD_LIBRARY_PATH's folders, normalised so that `wantsLibraries` can tell a file's folder among them (`/opt/lib/` names /opt/lib). */
function environmentPath(config: ContainerConfig | undefined): string[] {
  const env = config?.Env?.find((e) => e.startsWith('LD_LIBRARY_PATH='))?.slice('LD_LIBRARY_PATH='.length) ?? '';
  return env.split(':').filter((d) => d.startsWith('/')).map((d) => posix.normalize(d).replace(/(?<=.)\/+$/, ''));
}

const systemPath = [
  '/usr/local/lib',
  ...['x86_64-linux-gnu', 'aarch64-linux-gnu'].flatMap((triplet) => [`/usr/local/lib/${triplet}`, `/lib/${triplet}`, `/usr/lib/${triplet}`]),
  '/lib64',
  '/usr/lib64',
  '/lib',
  '/usr/lib',
];

/** Run-path folders with `$ORIGIN` (or `${ORIGIN}`) the object's folder, as ld.so expands them; relative ones dropped. */
function expandOrigin(dirs: readonly string[] | undefined, origin: string): string[] {
  return (dirs ?? []).map((d) => d.replace(/\$(?:ORIGIN\b|\{ORIGIN\})/g, origin)).filter((d) => d.startsWith('/'));
}

/** Shared objects one closure may visit: a bound on what a hostile image can make the walk do. */
const maxClosure = 4096;

/**
 * The native code `seeds` load: the seeds and, library by library, what they link (DT_NEEDED, looked up as ld.so does:
 * the object's DT_RPATH when it has no DT_RUNPATH, LD_LIBRARY_PATH, its DT_RUNPATH, then the system's folders; `$ORIGIN`
 * is the object's folder), real paths, sorted. A run path serves the object's own DT_NEEDED only (an RPATH's
 * inheritance by what the object loads is not followed). Libraries a distroless base holds (glibc, OpenSSL,
 * libstdc++) are left out, and so is what they link; a name found nowhere is left out too.
 */
function linkClosure(ctx: Context, seeds: readonly string[]): string[] {
  const env = environmentPath(ctx.config);
  const found = new Set<string>();
  const queue = [...seeds];
  for (let path = queue.shift(); path !== undefined && found.size < maxClosure; path = queue.shift()) {
    if (found.has(path)) continue;
    found.add(path);
    const summary = linkSummary(ctx, path);
    if (!summary) continue;
    const origin = posix.dirname(path);
    const search = [...expandOrigin(summary.rpath, origin), ...env, ...expandOrigin(summary.runpath, origin), ...systemPath];
    for (const name of summary.needed) {
      if (name.includes('/') || foreignLibraries([name]).length === 0) continue;
      for (const dir of search) {
        const lib = ctx.files.resolve(posix.join(dir, name));
        if (lib?.type !== 'file') continue;
        if (!found.has(lib.path)) queue.push(lib.path);
        break;
      }
    }
  }
  return [...found].sort();
}

/** The regular files `match` selects that the scan summarised (`wantsLibraries`), in tree order, bounded like the closure. */
function summarised(ctx: Context, match: (entry: FileEntry) => boolean): string[] {
  const out: string[] = [];
  for (const e of ctx.files.entries()) {
    if (e.type === 'file' && match(e) && ctx.files.body(e.path)) out.push(e.path);
    if (out.length >= maxClosure) break;
  }
  return out;
}

/** The regular file a command word runs, following symlinks. */
function which(ctx: Context, word: string): FileEntry | undefined {
  for (const p of candidatePaths(word, ctx.config)) {
    const found = ctx.files.resolve(p);
    if (found?.type === 'file') return found;
  }
  return undefined;
}

/** Symlinks followed from a command word to the file it runs: what the resolver allows (`FileResolver.resolve`). */
const maxLinkHops = 40;

/**
 * The names a command word goes by on its way to the file it runs: its own, then each symlink's target in turn
 * (`/usr/local/bin/app` → `/usr/bin/python3.11`, `node` → `nodejs`), relative targets taken from the link's real
 * folder, absolute ones inside the image; a loop or more than 40 links ends the walk.
 */
function linkNames(ctx: Context, word: string): string[] {
  const names = [posix.basename(word)];
  for (const start of candidatePaths(word, ctx.config)) {
    const seen = new Set<string>();
    let path = start;
    for (let hop = 0; hop <= maxLinkHops && !seen.has(path); hop++) {
      seen.add(path);
      // the folder may be a link itself (`/bin` → `usr/bin` on merged-/usr images): the link's own entry sits in the real one
      const dir = ctx.files.resolve(posix.dirname(path));
      const entry = dir?.type === 'dir' ? ctx.files.get(posix.join(dir.path, posix.basename(path))) : undefined;
      if (entry?.type !== 'symlink' || entry.linkTarget === undefined || dir === undefined) break;
      path = posix.normalize(entry.linkTarget.startsWith('/') ? entry.linkTarget : posix.join(dir.path, entry.linkTarget));
      names.push(posix.basename(path));
    }
    if (names.length > 1 || ctx.files.resolve(start)) return names;
  }
  return names;
}

/**
 * The ELF program the command starts when the scan could not know it: a word that reaches it through symlinks of
 * other names (`/usr/local/bin/app` → `/opt/hello/hello`), which `wantsElf` picks by name before any link is known.
 * The first word that runs a regular executable, past launchers and shells, and only when that file is unread: the
 * caller reads it from its layer (`reduceElf`) so that the program is recognised. An interpreter, by its name or a name
 * along its links, is not read (node's binary is ~90 MB and its name says what it is), nor a file that cannot be a
 * program (under 64 bytes, or named as a script: `/entrypoint.sh` → `docker-entrypoint.sh`); links are followed as
 * `FileResolver.resolve` does (at most 40, a loop ends the walk).
 */
export function unreadProgram(files: FileResolver, config: ContainerConfig | undefined): FileEntry | undefined {
  const ctx: Context = { files, config, ownFrom: undefined };
  const { words, fromScript } = startedWords(ctx);
  // what `wantsElf` already selected (and a script it read and kept nothing of): not read twice
  const named = new Set(commandWords(config).map((w) => posix.basename(w)));
  for (const word of words) {
    const name = posix.basename(word);
    if (launchers.test(name) || shells.test(name)) continue;
    if (interpreted.some((r) => linkNames(ctx, word).some((n) => r.names.test(n)))) return undefined;
    const entry = which(ctx, word);
    if (!entry) continue;
    const unread = (entry.mode & 0o111) !== 0 && !named.has(posix.basename(entry.path)) && files.body(entry.path) === undefined;
    // what a script execs may be another script, which is read for its own `exec` line
    return unread && (fromScript ? entry.size >= 2 : mayBeElf(entry)) ? entry : undefined;
  }
  return undefined;
}

/**
 * Below this a file holds not even an ELF64 header: a program the runtimes are recognised by (Go build info, a Rust
 * section, what it links) needs thousands of bytes, so a smaller file is a script or a stub.
 */
const minElfBytes = 64;

/** A script's name: what an entrypoint behind a link of another name mostly is (`/entrypoint.sh` → `docker-entrypoint.sh`). */
const scriptName = /\.(?:sh|bash|py|js|mjs|cjs|rb|pl|php)$/;

/** Whether reading a file again could find an ELF program in it: not when its size or its name says it is a script. */
function mayBeElf(entry: FileEntry): boolean {
  return entry.size >= minElfBytes && !scriptName.test(posix.basename(entry.path));
}

interface RuntimeRow {
  id: RuntimeId;
  /** Command words (base names) that start this runtime. */
  names: RegExp;
  /** The runtime's files, given the word that names it. */
  locate(ctx: Context, word: string): Omit<RuntimeMatch, 'id'> | undefined;
}

/** Interpreted runtimes: the interpreter and what it loads come from the old base; the rest is the image's own. */
const interpreted: RuntimeRow[] = [
  {
    id: 'node',
    names: /^(?:node|nodejs|npm|npx|yarn|pnpm)$/,
    locate(ctx, word) {
      // the word itself when it is the binary (`/usr/local/bin/app` → nodejs), not a script such as npm
      const named = /^(?:npm|npx|yarn|pnpm)$/.test(posix.basename(word)) ? undefined : which(ctx, word);
      const node = named ?? which(ctx, 'node') ?? which(ctx, 'nodejs');
      if (!node) return undefined;
      // the binary links libstdc++: distroless cc, as distroless/nodejs is built; native addons (sharp, canvas, bcrypt:
      // `*.node`, wherever they lie) may link more (libvips, cairo), which the old base holds and distroless/cc does not
      const addons = summarised(ctx, (e) => e.path.endsWith('.node'));
      return { program: node.path, preset: 'cc', carries: 'the node runtime binary', roots: [node.path], libraries: linkClosure(ctx, addons) };
    },
  },
  {
    id: 'python',
    names: /^python(?:\d+(?:\.\d+)?)?$/,
    locate(ctx, word) {
      const python = which(ctx, word) ?? which(ctx, 'python3');
      if (!python) return undefined;
      // /usr/local/bin/python3.12 → /usr/local/lib/python3.12 and libpython3.12.so.* (python:3.12 images), or
      // /usr/bin/python3.11 → /usr/lib/python3.11 and /usr/lib/<triplet>/libpython3.11.so.* (Debian's python3)
      const version = /^python(\d+\.\d+)/.exec(posix.basename(python.path))?.[1];
      const prefix = posix.dirname(posix.dirname(python.path));
      const roots = [python.path];
      if (version !== undefined) {
        roots.push(`${prefix}/lib/python${version}`);
        for (const dir of [`${prefix}/lib`, '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu']) {
          for (const e of ctx.files.children(dir)) if (e.path.startsWith(`${dir}/libpython${version}.so`)) roots.push(e.path);
        }
      }
      const skip = /\/(?:site|dist)-packages\//;
      // what it loads of native code: the interpreter and libpython, the standard library's extension modules
      // (lib-dynload: _ctypes links libffi, _bz2 libbz2), and every extension module in a site-packages or dist-packages
      // folder, the base's too (pip and setuptools hold none), with what they link
      const stdlib = roots.slice(1);
      const seeds = summarised(ctx, (e) => skip.test(e.path) || stdlib.some((r) => e.path.startsWith(`${r}/`)));
      const libraries = linkClosure(ctx, [...roots, ...seeds]);
      return {
        program: python.path,
        preset: 'cc',
        carries: version === undefined ? 'the python interpreter (its standard library not found)' : `the python ${version} interpreter and standard library`,
        roots,
        skip,
        libraries,
      };
    },
  },
  {
    id: 'java',
    names: /^java$/,
    locate(ctx, word) {
      const envHome = ctx.config?.Env?.find((e) => e.startsWith('JAVA_HOME='))?.slice('JAVA_HOME='.length);
      const java = (envHome === undefined ? undefined : ctx.files.resolve(`${envHome}/bin/java`)) ?? which(ctx, word) ?? which(ctx, 'java');
      if (java?.type !== 'file') return undefined;
      // the JDK or JRE folder: …/bin/java's grandparent (/opt/java/openjdk, /usr/lib/jvm/java-17-openjdk-amd64)
      const home = posix.dirname(posix.dirname(java.path));
      // what the JVM loads to run any program (the launcher, libjvm, java.base's natives), not what AWT or sound load
      // on demand (Debian's libawt_xawt links X11); and the JNI libraries the image's own layers add
      const seeds = summarised(
        ctx,
        (e) => (e.path.startsWith(`${home}/`) && jvmLibraries.test(posix.basename(e.path))) || (ctx.ownFrom !== undefined && e.layer >= ctx.ownFrom && !e.path.startsWith(`${home}/`) && /\.so(?:\.\d+)*$/.test(e.path)),
      );
      return { program: java.path, preset: 'cc', carries: `the JVM (${home})`, roots: [home], libraries: linkClosure(ctx, seeds) };
    },
  },
];

/** The JDK's own libraries a JVM run loads (`LD_DEBUG=files java -jar` of a one-class jar on Debian's OpenJDK 17). */
const jvmLibraries = /^lib(?:jvm|jli|java|zip|nio|net|jimage|jsvml)\.so$/;

const compiled: Record<'go' | 'rust' | 'native', string> = { go: 'Go', rust: 'Rust', native: 'compiled' };

/**
 * The runtime the image runs, the command looked past the scripts it starts (`startedWords`): an interpreter the
 * command names; else the ELF program it starts; else an interpreter on PATH (a script the command names runs with it). A program the scan did not summarise (no `wantsElf`) is not
 * recognised. `baseLayers` (the base's layer count) tells the image's own layers, whose shared objects a JVM may load
 * as JNI libraries.
 */
export function recogniseRuntime(files: FileResolver, config: ContainerConfig | undefined, baseLayers?: number): RuntimeMatch | RuntimeMiss {
  const ctx: Context = { files, config, ownFrom: baseLayers };
  const started = startedWords(ctx);
  const words = started.words.filter((w) => !launchers.test(posix.basename(w)));
  let missing: string | undefined;
  for (const word of words) {
    // by the word's name, else by a name a symlink it goes through gives it
    const row = interpreted.find((r) => r.names.test(posix.basename(word))) ?? interpreted.find((r) => linkNames(ctx, word).some((n) => r.names.test(n)));
    if (!row) continue;
    const found = row.locate(ctx, word);
    if (found) return { id: row.id, ...found };
    missing ??= word;
  }
  for (const word of words) {
    const entry = which(ctx, word);
    const body = entry && files.body(entry.path);
    if (!entry || !body) continue;
    const elf = elfSummary(body);
    // a body another analyzer kept whole (a package.json, /etc/passwd) that the command names: not a program
    if (elf === undefined) continue;
    if (elf.error !== undefined) return { reason: `${entry.path} is not a readable ELF program (${elf.error})` };
    const id = elf.go ? 'go' : elf.rust ? 'rust' : 'native';
    const preset = distrolessPreset(elf.needed, elf.interpreter);
    if (preset === undefined) return { reason: `the ${compiled[id]} program ${entry.path} links ${foreignLibraries(elf.needed).join(', ')}, which no distroless base holds` };
    return { id, program: entry.path, preset, carries: 'the program itself', roots: [entry.path], libraries: [] };
  }
  for (const row of interpreted) {
    const found = row.locate(ctx, row.id);
    if (found) return { id: row.id, ...found };
  }
  if (missing !== undefined) return { reason: `the command runs ${missing}, which the image does not hold along its PATH` };
  const program = words[0];
  if (program === undefined) return { reason: 'the image names no command (ENTRYPOINT/CMD) and holds no node, python or java' };
  const script = started.fromScript ? programWords(config)[0] : undefined;
  const command = script === undefined ? `the command ${program}` : `the command ${script} execs ${program}, which`;
  return { reason: `${command} is no runtime shipshape knows (node, python, java, or an ELF program: Go, Rust, C)` };
}
