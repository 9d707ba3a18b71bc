/**
 * Python environments as an interpreter sees them: the site folders one interpreter searches, in `sys.path` order.
 * A distribution's requirement is met by what that interpreter would import, which may sit in another folder than
 * the distribution itself (Debian's python3.11 searches /usr/local/lib/python3.11/dist-packages, then
 * /usr/lib/python3/dist-packages).
 */
import { baseName, type FileResolver } from '../../../fs/index.js';

/** One interpreter (or virtual environment) and the site folders it searches. */
export interface PythonEnvironment {
  /** `X.Y`, for `python_version` markers; undefined when it cannot be told. */
  readonly version: string | undefined;
  /** Site folders in `sys.path` order: the first that holds a name answers for it. */
  readonly path: readonly string[];
  /**
   * The folders this environment installs into, whose distributions' requirements it resolves; a venv that includes
   * the system site folders searches them but leaves their distributions to the system interpreter.
   */
  readonly own: ReadonlySet<string>;
}

/**
 * CPython's landmark (`getpath`): the interpreter whose prefix is P and version X.Y has its standard library's
 * `os.py` at `P/lib/pythonX.Y/os.py`.
 */
const landmark = /^(.*)\/lib\/python(\d+\.\d+)\/os\.py$/;
const venvConfig = /\/pyvenv\.cfg$/;

/** Whether a path is a virtual environment's configuration (PEP 405), whose body the cataloger reads. */
export function isVenvConfig(path: string): boolean {
  return venvConfig.test(path);
}

interface Interpreter {
  readonly prefix: string;
  readonly version: string;
  readonly env: PythonEnvironment;
}

/**
 * Debian's site.py (and Ubuntu's) names its folders `dist-packages`: for the interpreter at /usr, the local
 * `/usr/local/lib/pythonX.Y/dist-packages`, the version-less `/usr/lib/python3/dist-packages` Debian's packages fill,
 * then `/usr/lib/pythonX.Y/dist-packages`. Any other CPython (a source build such as the official image's at
 * /usr/local, Alpine's, a distroless one without Debian's folders) searches `P/lib/pythonX.Y/site-packages`.
 */
function sitePath(files: FileResolver, prefix: string, version: string): string[] {
  const major = version.split('.')[0] ?? '';
  const debian = [`/usr/local/lib/python${version}/dist-packages`, ...(major === '3' ? ['/usr/lib/python3/dist-packages'] : []), `/usr/lib/python${version}/dist-packages`];
  // only Debian's patch names a folder dist-packages, so one of them in the image tells its interpreter is patched
  if (prefix === '/usr' && debian.some((d) => files.resolve(d)?.type === 'dir')) return debian;
  return [`${prefix}/lib/python${version}/site-packages`];
}

/** The `key = value` lines of a pyvenv.cfg, keys lower-cased. */
function readVenvConfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return out;
}

/** The folder a path is in, `''` for the root (as site folders are written: `${folder}/name`). */
function folderOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

/**
 * The environments of an image: one per interpreter whose standard library it holds, one per virtual environment
 * (its own `lib/pythonX.Y/site-packages`, then its base interpreter's folders when `include-system-site-packages` is
 * true), in the order the files are listed.
 */
export function pythonEnvironments(files: FileResolver): PythonEnvironment[] {
  const interpreters: Interpreter[] = [];
  const venvs: string[] = [];
  for (const entry of files.entries()) {
    if (entry.type !== 'file') continue;
    const found = landmark.exec(entry.path);
    if (found) {
      const [, prefix = '', version = ''] = found;
      const path = sitePath(files, prefix, version);
      interpreters.push({ prefix, version, env: { version, path, own: new Set(path) } });
    } else if (isVenvConfig(entry.path)) venvs.push(entry.path);
  }
  const out = interpreters.map((i) => i.env);
  for (const cfgPath of venvs) {
    const cfg = readVenvConfig(files.body(cfgPath)?.toString('utf8') ?? '');
    const root = folderOf(cfgPath);
    // the venv's own folder is named for its version (`lib/python3.11/site-packages`); pyvenv.cfg's version says it too
    const named = files.children(`${root}/lib`).map((c) => /^python(\d+\.\d+)$/.exec(baseName(c.path))?.[1]).find((v) => v !== undefined);
    const version = named ?? /^(\d+\.\d+)/.exec(cfg.get('version') ?? cfg.get('version_info') ?? '')?.[1];
    if (version === undefined) continue;
    const own = `${root}/lib/python${version}/site-packages`;
    // `home` is the folder of the base interpreter's executable, `P/bin`
    const home = (cfg.get('home') ?? '').replace(/\/+$/, '');
    const base = interpreters.find((i) => i.version === version && i.prefix === folderOf(home));
    const system = cfg.get('include-system-site-packages')?.toLowerCase() === 'true' ? (base?.env.path ?? []) : [];
    out.push({ version, path: [own, ...system], own: new Set([own]) });
  }
  return out;
}

/**
 * The environment of a site folder no interpreter in the image searches (a scanned folder on its own, a tree copied
 * without its interpreter): the folder alone, under the `pythonX.Y` its path names, if any (never PyPy's).
 */
export function folderEnvironment(siteDir: string): PythonEnvironment {
  const version = siteDir.includes('/pypy') ? undefined : /\/python(\d+\.\d+)\//.exec(`${siteDir}/`)?.[1];
  return { version, path: [siteDir], own: new Set([siteDir]) };
}
