/**
 * Go binaries: the module build info the linker embeds (what `go version -m` prints). The main module and every
 * dependency module become packages (purl `pkg:golang/<module path>@<version>`), the toolchain version goes into
 * metadata. The standard library compiled into the binary is a package too, as syft names it: `stdlib` at the
 * toolchain version without its `go` prefix (`go1.19.8` → `1.19.8`, purl `pkg:golang/stdlib@1.19.8`), so Go standard
 * library advisories (OSV `Go`/`stdlib`) match through the SBOM. Binaries built outside module mode carry only the Go
 * version and give that one package.
 *
 * The build info names modules, not their licenses: a module's license comes from its files where a copy is at hand
 * (a vendor directory listing it, a module cache in the tree, or opt-in the host's; see go-licenses.ts) and otherwise
 * stays empty (NOASSERTION in SPDX) — guessing from the module path would be wrong for forks and relicensed versions.
 * The standard library is Go's own, BSD-3-Clause (the Go distribution's LICENSE), as syft records it.
 */
import { PackageURL } from 'packageurl-js';
import { binaryReducer, readBinaryEvidence } from '../../binaries.js';
import { type Cataloger, type CatalogResult, packageId, ResultBuilder } from '../../cataloger.js';
import { licenseFields } from '../../license-text.js';
import { GoLicenseFinder, wantsGoLicenseFile } from './go-licenses.js';

const name = 'go-module-binary-cataloger';

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: { path: string; version: string; sum?: string };
}

export interface GoModInfo {
  /** The main package's import path. */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Record<string, string>;
}

/**
 * Parses the module info text (runtime/debug's BuildInfo.String format): tab-separated lines `path`, `mod`, `dep`,
 * `=>` (replaces the module on the line before) and `build key=value`.
 */
export function parseModInfo(text: string): GoModInfo {
  const info: GoModInfo = { deps: [], settings: {} };
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    const [kind, ...fields] = line.split('\t');
    switch (kind) {
      case 'path':
        info.path = fields[0];
        break;
      case 'mod':
      case 'dep': {
        const [path, version, sum] = fields;
        if (!path) throw new Error(`Go module info: a "${kind}" line without a path`);
        last = { path, version: version ?? '', ...(sum ? { sum } : {}) };
        if (kind === 'mod') info.main = last;
        else info.deps.push(last);
        break;
      }
      case '=>': {
        const [path, version, sum] = fields;
        if (!last || !path) throw new Error('Go module info: a replacement with nothing to replace');
        last.replace = { path, version: version ?? '', ...(sum ? { sum } : {}) };
        last = undefined;
        break;
      }
      case 'build': {
        const setting = fields.join('\t');
        const eq = setting.indexOf('=');
        if (eq > 0) info.settings[setting.slice(0, eq)] = setting.slice(eq + 1).replace(/^"(.*)"$/, '$1');
        break;
      }
      default:
        break;
    }
  }
  return info;
}

/** `go1.19.8` → `1.19.8`; `go1.21.1 X:boringcrypto` → `1.21.1`; `devel go1.22-abc…` and other non-releases → undefined. */
export function stdlibVersion(goVersion: string): string | undefined {
  return /^go(\d+(?:\.\d+)*(?:(?:rc|beta)\d+)?)(?:\s|$)/.exec(goVersion)?.[1];
}

function purl(module: GoModule): string {
  const slash = module.path.lastIndexOf('/');
  const namespace = slash > 0 ? module.path.slice(0, slash) : undefined;
  return new PackageURL('golang', namespace, module.path.slice(slash + 1), module.version || undefined, undefined, undefined).toString();
}

export const goModuleBinaryCataloger: Cataloger = {
  name,
  wants: wantsGoLicenseFile,
  reducer: binaryReducer,
  catalog(files, ctx): CatalogResult {
    const out = new ResultBuilder(name);
    let finder: GoLicenseFinder | undefined;
    for (const entry of files.entries()) {
      if (entry.type !== 'file') continue;
      const evidence = readBinaryEvidence(files, entry.path);
      if (!evidence) continue;
      if (evidence.error) {
        out.unknown(entry.path, evidence.error);
        continue;
      }
      const go = evidence.go;
      if (!go) continue;
      out.guard(entry.path, () => {
        const info = parseModInfo(go.modinfo);
        const layer = entry.layer >= 0 ? entry.layer : undefined;
        finder ??= new GoLicenseFinder(files, ctx.hostCaches?.goModCache ? { hostModCache: ctx.hostCaches.goModCache } : {});
        const licensesOf = finder;
        const add = (module: GoModule, main: boolean): string => {
          const found = !module.version || module.version === '(devel)' ? undefined : licensesOf.find({ path: module.path, version: module.version, ...(module.replace ? { replace: module.replace } : {}) });
          const { licenses, metadata } = licenseFields(found);
          const id = packageId('golang', module.path, module.version, `${entry.path}#${module.path}`);
          out.packages.push({
            id,
            type: 'golang',
            name: module.path,
            version: module.version,
            purl: purl(module),
            licenses,
            cpes: [],
            foundBy: name,
            locations: [entry.path],
            layer,
            files: main ? [entry.path] : [],
            metadata: {
              goVersion: go.goVersion,
              mainModule: main,
              ...(main && info.path ? { mainPackage: info.path } : {}),
              ...(module.sum ? { h1Digest: module.sum } : {}),
              ...(module.replace ? { replacedBy: `${module.replace.path}${module.replace.version ? `@${module.replace.version}` : ''}` } : {}),
              ...(main && info.settings.GOOS ? { goos: info.settings.GOOS } : {}),
              ...(main && info.settings.GOARCH ? { goarch: info.settings.GOARCH } : {}),
              ...(main && info.settings['vcs.revision'] ? { vcsRevision: info.settings['vcs.revision'] } : {}),
              ...metadata,
            },
          });
          return id;
        };
        const mainId = info.main ? add(info.main, true) : undefined;
        for (const dep of info.deps) {
          const depId = add(dep, false);
          if (mainId) out.relationships.push({ from: mainId, to: depId, type: 'depends-on' });
        }
        const std = stdlibVersion(go.goVersion);
        if (std !== undefined) {
          const id = packageId('golang', 'stdlib', std, `${entry.path}#stdlib`);
          out.packages.push({
            id,
            type: 'golang',
            name: 'stdlib',
            version: std,
            purl: `pkg:golang/stdlib@${std}`,
            licenses: ['BSD-3-Clause'],
            cpes: [`cpe:2.3:a:golang:go:${std}:*:*:*:*:*:*:*`],
            foundBy: name,
            locations: [entry.path],
            layer,
            files: [],
            metadata: { goVersion: go.goVersion, stdlib: true },
          });
          if (mainId) out.relationships.push({ from: mainId, to: id, type: 'depends-on' });
        }
      });
    }
    return out;
  },
};
