/**
 * Licenses of Go modules, from the module's own files where a copy of them is at hand (what syft does, offline):
 * a `vendor/<module path>/` directory (`go mod vendor`), a module cache in the scanned tree
 * (`…/pkg/mod/<escaped path>@<escaped version>/`, the default GOMODCACHE under any GOPATH), and — only when asked —
 * the module cache of this machine. Each license file at the top of the module's directory is classified against the
 * SPDX reference texts; a module none of whose files matches keeps no license (NOASSERTION).
 */
import { join } from 'node:path';
import type { FileResolver } from '../../../fs/index.js';
import { type FoundLicenses, isLicenseFileName, licensesInDirectory, licensesInHostDirectory, onHost } from '../../license-text.js';

/** Where a scan keeps license files for Go: in vendor directories and module caches. */
const moduleTree = /\/vendor\/|\/pkg\/mod\//;

/** Whether the scan should keep this file's bytes for Go license lookups. */
export function wantsGoLicenseFile(path: string): boolean {
  if (/\/vendor\/modules\.txt$/.test(path)) return true;
  return moduleTree.test(path) && isLicenseFileName(path.slice(path.lastIndexOf('/') + 1));
}

/**
 * Go's module path escaping for the module cache (golang.org/x/mod/module.EscapePath): every upper-case letter becomes
 * `!` and its lower-case form, so that paths differing in case stay apart on case-insensitive filesystems.
 * `github.com/BurntSushi/toml` → `github.com/!burnt!sushi/toml`. Versions are escaped the same way.
 */
export function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** A module path whose elements are plain names: no `.` or `..` element, not absolute, no backslash. */
export function isSafeModulePath(path: string): boolean {
  return /^[\w.~+-]+(?:\/[\w.~+-]+)*$/.test(path) && !path.split('/').some((e) => e === '.' || e === '..');
}

/** Reads vendor/modules.txt: `# <path> <version> [=> …]` lines name the vendored modules. */
export function parseVendorModules(text: string): { path: string; version: string }[] {
  const out: { path: string; version: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^# (\S+) (v\S+)/.exec(line);
    if (m?.[1] && m[2]) out.push({ path: m[1], version: m[2] });
  }
  return out;
}

export interface GoLicenseOptions {
  /** A module cache of this machine to search too (GOMODCACHE); off unless given. */
  hostModCache?: string;
}

export interface GoModuleRef {
  path: string;
  version: string;
  /** The module that replaces it (its code is what was built). */
  replace?: { path: string; version: string };
}

/** Finds module licenses in one scanned filesystem; built once per catalog run. */
export class GoLicenseFinder {
  /** `path@version` → vendor directories whose modules.txt lists it. */
  private readonly vendored = new Map<string, string[]>();
  /** Module cache roots in the tree (`…/pkg/mod`). */
  private readonly caches: string[] = [];

  constructor(
    private readonly files: FileResolver,
    private readonly options: GoLicenseOptions = {},
  ) {
    for (const entry of files.entries()) {
      if (entry.type === 'dir' && entry.path.endsWith('/pkg/mod')) this.caches.push(entry.path);
      if (entry.type !== 'file' || !entry.path.endsWith('/vendor/modules.txt')) continue;
      const body = files.body(entry.path);
      if (!body) continue;
      const vendorDir = entry.path.slice(0, -'/modules.txt'.length);
      for (const m of parseVendorModules(body.toString('utf8'))) {
        const key = `${m.path}@${m.version}`;
        this.vendored.set(key, [...(this.vendored.get(key) ?? []), vendorDir]);
      }
    }
  }

  /** The licenses in one directory of the scanned tree, with the evidence paths. */
  inTree(dir: string): FoundLicenses | undefined {
    return this.files.get(dir)?.type === 'dir' ? licensesInDirectory(this.files, dir) : undefined;
  }

  /**
   * A module's licenses: from `vendorDir` first (the vendor directory beside the go.mod that requires it), then any
   * vendor directory listing the module at this version, then module caches in the tree, then the host's cache.
   * For a replaced module the replacement's code is looked up in caches (vendor directories keep the original path).
   */
  find(module: GoModuleRef, vendorDir?: string): FoundLicenses | undefined {
    const vendors = [...(vendorDir ? [vendorDir] : []), ...(this.vendored.get(`${module.path}@${module.version}`) ?? [])];
    for (const dir of vendors) {
      const found = this.inTree(`${dir}/${module.path}`);
      if (found) return found;
    }
    // a directory replacement (`=> ./local`, version `(devel)` in build info) has no copy in a module cache
    const cached = module.replace ? module.replace : module;
    if (!cached.version.startsWith('v')) return undefined;
    const leaf = `${escapeModulePath(cached.path)}@${escapeModulePath(cached.version)}`;
    for (const root of this.caches) {
      const found = this.inTree(`${root}/${leaf}`);
      if (found) return found;
    }
    // names come from the scanned files: only a well-formed module path may name a directory of this machine
    if (this.options.hostModCache && isSafeModulePath(cached.path) && /^v[\w.+-]+$/.test(cached.version)) {
      const found = licensesInHostDirectory(join(this.options.hostModCache, leaf));
      if (found) return onHost(found);
    }
    return undefined;
  }
}
