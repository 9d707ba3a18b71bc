/**
 * Go projects: the modules a `go.mod` requires (direct and `// indirect`), as `pkg:golang/<path>@<version>`, with the
 * `h1:` digest `go.sum` records for each and the `replace` directive that swaps one for another (kept in metadata, as
 * the binary cataloger does). go.mod files inside `vendor/` and module caches belong to dependencies and are skipped,
 * and so are the Go toolchain's own (`std`, `cmd`).
 *
 * Licenses come from the module's files where a copy is at hand: `vendor/<module path>/` beside the go.mod (where
 * `go mod vendor` copies each module's LICENSE, COPYING and NOTICE files, those of a module replaced by a directory
 * too), a module cache in the tree, or (opt-in) the host's module cache.
 */
import { PackageURL } from 'packageurl-js';
import type { FileResolver } from '../../../fs/index.js';
import { type CatalogContext, type Cataloger, type CatalogResult, packageId, ResultBuilder } from '../../cataloger.js';
import { licenseFields } from '../../license-text.js';
import { GoLicenseFinder, wantsGoLicenseFile } from './go-licenses.js';

const name = 'go-module-file-cataloger';
const goModFile = /\/go\.(?:mod|sum)$/;
/** go.mod files of dependencies, not of a project. */
const dependencyTree = /\/vendor\/|\/pkg\/mod\//;

export interface GoModRequire {
  path: string;
  version: string;
  indirect: boolean;
}

export interface GoModReplace {
  /** The module replaced, with a version when the directive names one (`old v1.2.3 => …`). */
  from: { path: string; version?: string };
  /** A module path and version, or a directory (`./local`, `../fork`) without a version. */
  to: { path: string; version?: string };
}

export interface GoMod {
  module?: string;
  requires: GoModRequire[];
  replaces: GoModReplace[];
}

function unquote(token: string): string {
  return /^".*"$|^`.*`$/.test(token) ? token.slice(1, -1) : token;
}

/** Parses the directives of go.mod that name modules: `module`, `require` and `replace`, single-line and blocks. */
export function parseGoMod(text: string): GoMod {
  const mod: GoMod = { requires: [], replaces: [] };
  let block: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const comment = raw.indexOf('//');
    const indirect = comment >= 0 && /^\/\/\s*indirect\b/.test(raw.slice(comment).trim());
    const line = (comment >= 0 ? raw.slice(0, comment) : raw).trim();
    if (line === '') return;
    if (block !== undefined && line === ')') {
      block = undefined;
      return;
    }
    let verb: string | undefined;
    let args: string[];
    if (block !== undefined) {
      verb = block;
      args = line.split(/\s+/);
    } else {
      const [first, ...rest] = line.split(/\s+/);
      verb = first;
      if (rest.length === 1 && rest[0] === '(') {
        block = verb;
        return;
      }
      args = rest;
    }
    const at = `go.mod line ${index + 1}`;
    switch (verb) {
      case 'module':
        mod.module = unquote(args[0] ?? '');
        break;
      case 'require': {
        const [path, version] = args.map(unquote);
        if (!path || !version) throw new Error(`${at}: a requirement without a module path and version`);
        mod.requires.push({ path, version, indirect });
        break;
      }
      case 'replace': {
        const arrow = args.indexOf('=>');
        const left = args.slice(0, arrow).map(unquote);
        const right = args.slice(arrow + 1).map(unquote);
        if (arrow < 1 || !left[0] || !right[0]) throw new Error(`${at}: a replace directive without "old => new"`);
        mod.replaces.push({ from: { path: left[0], ...(left[1] ? { version: left[1] } : {}) }, to: { path: right[0], ...(right[1] ? { version: right[1] } : {}) } });
        break;
      }
      default:
        break;
    }
  });
  return mod;
}

/** go.sum: `<path> <version> h1:<hash>` per module (the `/go.mod` lines hash only the module's go.mod). */
export function parseGoSum(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [path, version, hash] = line.trim().split(/\s+/);
    if (path && version && hash && !version.endsWith('/go.mod')) sums.set(`${path}@${version}`, hash);
  }
  return sums;
}

/** The replace directive that applies to a requirement: one naming its version wins over one for every version. */
function replacementOf(mod: GoMod, req: GoModRequire): GoModReplace | undefined {
  return mod.replaces.find((r) => r.from.path === req.path && r.from.version === req.version) ?? mod.replaces.find((r) => r.from.path === req.path && r.from.version === undefined);
}

function purl(path: string, version: string): string {
  const slash = path.lastIndexOf('/');
  return new PackageURL('golang', slash > 0 ? path.slice(0, slash) : undefined, path.slice(slash + 1), version || undefined, undefined, undefined).toString();
}

export const goModuleFileCataloger: Cataloger = {
  name,
  wants: (path) => (goModFile.test(path) && !dependencyTree.test(path)) || wantsGoLicenseFile(path),
  catalog(files: FileResolver, ctx: CatalogContext): CatalogResult {
    const out = new ResultBuilder(name);
    let finder: GoLicenseFinder | undefined;
    for (const entry of files.entries()) {
      if (entry.type !== 'file' || !entry.path.endsWith('/go.mod') || dependencyTree.test(entry.path)) continue;
      const body = files.body(entry.path);
      if (!body) continue;
      out.guard(entry.path, () => {
        const mod = parseGoMod(body.toString('utf8'));
        // GOROOT's own modules (src/go.mod is `std`, src/cmd/go.mod is `cmd`): the toolchain's vendored code, which
        // the binary cataloger reports as `stdlib` where it is linked in
        if (mod.module === 'std' || mod.module === 'cmd') return;
        const dir = entry.path.slice(0, entry.path.lastIndexOf('/'));
        const sums = parseGoSum(files.body(`${dir}/go.sum`)?.toString('utf8') ?? '');
        finder ??= new GoLicenseFinder(files, ctx.hostCaches?.goModCache ? { hostModCache: ctx.hostCaches.goModCache } : {});
        for (const req of mod.requires) {
          const replace = replacementOf(mod, req);
          const found = finder.find({ path: req.path, version: req.version, ...(replace?.to.version ? { replace: { path: replace.to.path, version: replace.to.version } } : {}) }, `${dir}/vendor`);
          const { licenses, metadata } = licenseFields(found);
          const sum = sums.get(replace?.to.version ? `${replace.to.path}@${replace.to.version}` : `${req.path}@${req.version}`);
          out.packages.push({
            id: packageId('golang', req.path, req.version, entry.path),
            type: 'golang',
            name: req.path,
            version: req.version,
            purl: purl(req.path, req.version),
            licenses,
            cpes: [],
            foundBy: name,
            locations: [entry.path],
            layer: entry.layer >= 0 ? entry.layer : undefined,
            files: [],
            metadata: {
              ...(mod.module ? { requiredBy: mod.module } : {}),
              indirect: req.indirect,
              ...(sum ? { h1Digest: sum } : {}),
              ...(replace ? { replacedBy: `${replace.to.path}${replace.to.version ? `@${replace.to.version}` : ''}` } : {}),
              ...metadata,
            },
          });
        }
      });
    }
    return out;
  },
};
