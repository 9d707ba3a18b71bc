/**
 * Debian packages from the dpkg database: `/var/lib/dpkg/status` (a full system) and `/var/lib/dpkg/status.d/*`
 * (distroless-style images without dpkg), with each package's files from `info/<pkg>[:arch].list` or
 * `status.d/<pkg>.md5sums`, and licenses from the machine-readable `/usr/share/doc/<pkg>/copyright` (DEP-5).
 */
import { PackageURL } from 'packageurl-js';
import type { FileResolver } from '../../../fs/index.js';
import { type CatalogContext, type Cataloger, type CatalogResult, packageId, ResultBuilder } from '../../cataloger.js';
import type { Package } from '../../model.js';
import { type ParsedParagraph, parseParagraphs } from './control.js';

const name = 'dpkg-db-cataloger';
const statusFile = '/var/lib/dpkg/status';
const statusDir = '/var/lib/dpkg/status.d/';
const infoDir = '/var/lib/dpkg/info/';

function text(files: FileResolver, path: string): string | undefined {
  return files.body(path)?.toString('utf8');
}

/** License identifiers from a DEP-5 copyright file (`License:` lines of its paragraphs); none for free-form files. */
export function copyrightLicenses(body: string): string[] {
  if (!/^Format:\s*\S*copyright-format/m.test(body)) return [];
  const found = new Set<string>();
  for (const m of body.matchAll(/^License:[ \t]*([^\n]+)$/gm)) {
    const value = (m[1] ?? '').trim();
    if (value) found.add(value);
  }
  return [...found];
}

/** The package's files, and the database file that listed them (evidence, so not an "unowned" file). */
function fileList(files: FileResolver, pkg: string, arch: string | undefined, distroless: string | undefined): { owned: string[]; from?: string } {
  const candidates = [`${infoDir}${pkg}:${arch ?? ''}.list`, `${infoDir}${pkg}.list`];
  for (const c of candidates) {
    const body = text(files, c);
    if (body !== undefined) return { owned: body.split('\n').filter((l) => l !== '' && l !== '/.'), from: c };
  }
  const md5 = [`${infoDir}${pkg}:${arch ?? ''}.md5sums`, `${infoDir}${pkg}.md5sums`, ...(distroless ? [`${distroless}.md5sums`] : [])];
  for (const c of md5) {
    const body = text(files, c);
    if (body !== undefined) {
      const owned = body
        .split('\n')
        .map((l) => l.replace(/^[0-9a-f]{32}\s+/, ''))
        .filter((l) => l !== '')
        .map((l) => (l.startsWith('/') ? l : `/${l}`));
      return { owned, from: c };
    }
  }
  return { owned: [] };
}

/** The package of one paragraph; an error naming the paragraph when it is broken or names no package. */
function toPackage(paragraph: ParsedParagraph, location: string, files: FileResolver, ctx: CatalogContext, distrolessBase?: string): Package | undefined {
  const p = paragraph.fields;
  if (paragraph.error !== undefined) throw new Error(`paragraph at line ${paragraph.line}: ${paragraph.error}`);
  const pkg = p.get('Package');
  const version = p.get('Version');
  if (!pkg || !version) throw new Error(`paragraph at line ${paragraph.line} without Package or Version`);
  const status = p.get('Status');
  // Only installed packages: `deinstall ok config-files` and the like leave no software behind.
  if (status !== undefined && !/\binstalled$/.test(status)) return undefined;
  const arch = p.get('Architecture');
  const sourceField = p.get('Source');
  const sourceMatch = sourceField ? /^(\S+)(?:\s+\((\S+)\))?/.exec(sourceField) : null;
  const source = sourceMatch?.[1];
  const sourceVersion = sourceMatch?.[2] ?? (source ? version : undefined);
  const distroId = ctx.distro?.id ?? 'debian';
  const qualifiers: Record<string, string> = {};
  if (arch) qualifiers.arch = arch;
  if (ctx.distro?.versionId) qualifiers.distro = `${distroId}-${ctx.distro.versionId}`;
  if (source && source !== pkg) qualifiers.upstream = sourceVersion && sourceVersion !== version ? `${source}@${sourceVersion}` : source;
  const purl = new PackageURL('deb', distroId, pkg, version, qualifiers, undefined).toString();
  const { owned, from } = fileList(files, pkg, arch, distrolessBase);
  const copyright = text(files, `/usr/share/doc/${pkg}/copyright`);
  const licenses = copyright ? copyrightLicenses(copyright) : [];
  const entry = files.get(location);
  const cpeName = pkg.replace(/[^A-Za-z0-9._-]/g, '_');
  const cpeVersion = version.replace(/:/g, '\\:');
  return {
    id: packageId('deb', pkg, version, location),
    type: 'deb',
    name: pkg,
    version,
    purl,
    licenses,
    cpes: [`cpe:2.3:a:${cpeName}:${cpeName}:${cpeVersion}:*:*:*:*:*:*:*`],
    foundBy: name,
    locations: from ? [location, from] : [location],
    layer: entry && entry.layer >= 0 ? entry.layer : undefined,
    files: owned,
    metadata: {
      architecture: arch,
      source,
      sourceVersion,
      maintainer: p.get('Maintainer'),
      installedSize: p.get('Installed-Size'),
    },
  };
}

export const dpkgDbCataloger: Cataloger = {
  name,
  wants(path) {
    if (path === statusFile || path.startsWith(statusDir)) return true;
    if (path.startsWith(infoDir)) return path.endsWith('.list') || path.endsWith('.md5sums');
    return path.startsWith('/usr/share/doc/') && path.endsWith('/copyright');
  },
  catalog(files, ctx): CatalogResult {
    const out = new ResultBuilder(name);
    // one unknown per broken paragraph: the other packages of the database are still reported
    const each = (location: string, body: string, use: (pkg: Package) => void, distrolessBase?: string): void => {
      for (const p of parseParagraphs(body)) {
        out.guard(location, () => {
          const pkg = toPackage(p, location, files, ctx, distrolessBase);
          if (pkg) use(pkg);
        });
      }
    };
    const status = text(files, statusFile);
    if (status !== undefined) {
      each(statusFile, status, (pkg) => {
        out.packages.push(pkg);
      });
    }
    for (const entry of files.children(statusDir.slice(0, -1))) {
      if (entry.type !== 'file' || entry.path.endsWith('.md5sums')) continue;
      const body = text(files, entry.path);
      if (body === undefined) continue;
      each(
        entry.path,
        body,
        (pkg) => {
          // An image may keep both (a distroless base that later got a dpkg status written from status.d): one
          // installed package is one package, so the status.d entry only adds its evidence and files.
          const same = out.packages.find((q) => q.name === pkg.name && q.version === pkg.version && q.metadata.architecture === pkg.metadata.architecture);
          if (same) {
            same.locations = [...new Set([...same.locations, ...pkg.locations])];
            same.files = [...new Set([...same.files, ...pkg.files])];
          } else out.packages.push(pkg);
        },
        entry.path,
      );
    }
    return out;
  },
};
