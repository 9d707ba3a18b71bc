/**
 * Debian packages from the dpkg database: `/var/lib/dpkg/status` (a full system) and `/var/lib/dpkg/status.d/*`
 * (distroless-style images without dpkg), with each package's files from `info/<pkg>[:arch].list` or
 * `status.d/<pkg>.md5sums`, and licenses from the machine-readable `/usr/share/doc/<pkg>/copyright` (DEP-5).
 */
import { PackageURL } from 'packageurl-js';
import type { FileResolver } from '../../../fs/index.js';
import { type CatalogContext, type Cataloger, type CatalogResult, packageId, ResultBuilder } from '../../cataloger.js';
import { linkDependencies } from '../../dependency-graph.js';
import type { Package } from '../../model.js';
import { type Paragraph, type ParsedParagraph, parseParagraphs } from './control.js';
import { type Alternative, parseRelations, providedNames } from './depends.js';

const name = 'dpkg-db-cataloger';
const statusFile = '/var/lib/dpkg/status';
const statusDir = '/var/lib/dpkg/status.d/';
const infoDir = '/var/lib/dpkg/info/';
const extendedStates = '/var/lib/apt/extended_states';

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

/**
 * Depends and Pre-Depends edges between the installed packages (Policy §7.2: both must be installed for a package to
 * work): each clause to its first alternative that is installed, under its own name or as a virtual package another
 * provides (§7.5).
 */
function linkDepends(out: ResultBuilder, fieldsOf: ReadonlyMap<Package, Paragraph>): void {
  const real = new Map<string, Package[]>();
  const virtual = new Map<string, Package[]>();
  const add = (map: Map<string, Package[]>, key: string, pkg: Package): void => {
    map.set(key, [...(map.get(key) ?? []), pkg]);
  };
  const clausesOf = new Map<Package, Alternative[][]>();
  for (const [pkg, fields] of fieldsOf) {
    add(real, pkg.name, pkg);
    for (const provided of providedNames(fields.get('Provides'))) add(virtual, provided, pkg);
    clausesOf.set(pkg, [...parseRelations(fields.get('Pre-Depends')), ...parseRelations(fields.get('Depends'))]);
  }
  const best = (from: Package, alt: Alternative, list: Package[] | undefined): Package | undefined => {
    const fits = (p: Package): boolean => alt.arch === undefined || alt.arch === 'any' || p.metadata.architecture === alt.arch;
    // the depender's own architecture first (a multi-arch system has libc6:amd64 and libc6:i386), then the others
    const rank = (p: Package): number => (p.metadata.architecture === from.metadata.architecture ? 0 : p.metadata.architecture === 'all' ? 1 : 2);
    return (list ?? []).filter(fits).sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
  };
  linkDependencies(out.relationships, clausesOf, {
    byName: (alt, from) => best(from, alt, real.get(alt.name)),
    byProvides: (alt, from) => best(from, alt, virtual.get(alt.name)),
  });
}

/**
 * Marks the packages apt did not install automatically as explicit, when apt keeps its record
 * (`/var/lib/apt/extended_states`: a paragraph `Auto-Installed: 1` for each package installed only to satisfy another,
 * apt-mark(8)); without that file nothing is said. apt records an `Architecture: all` package under the native
 * architecture, and older apt wrote no architecture at all.
 */
function markExplicit(out: ResultBuilder, files: FileResolver, packages: Iterable<Package>): void {
  const body = text(files, extendedStates);
  if (body === undefined) return;
  const auto = new Map<string, Set<string | undefined>>();
  for (const p of parseParagraphs(body)) {
    const name = p.fields.get('Package');
    if (p.error !== undefined || name === undefined) {
      out.unknown(extendedStates, `paragraph at line ${p.line}: ${p.error ?? 'without Package'}`);
      continue;
    }
    if (p.fields.get('Auto-Installed') !== '1') continue;
    auto.set(name, (auto.get(name) ?? new Set()).add(p.fields.get('Architecture')));
  }
  for (const pkg of packages) {
    const arches = auto.get(pkg.name);
    const arch = typeof pkg.metadata.architecture === 'string' ? pkg.metadata.architecture : undefined;
    const isAuto = arches !== undefined && (arches.has(undefined) || arch === 'all' || arches.has(arch));
    if (!isAuto) pkg.explicit = true;
  }
}

export const dpkgDbCataloger: Cataloger = {
  name,
  wants(path) {
    if (path === statusFile || path === extendedStates || path.startsWith(statusDir)) return true;
    if (path.startsWith(infoDir)) return path.endsWith('.list') || path.endsWith('.md5sums');
    return path.startsWith('/usr/share/doc/') && path.endsWith('/copyright');
  },
  catalog(files, ctx): CatalogResult {
    const out = new ResultBuilder(name);
    // one unknown per broken paragraph: the other packages of the database are still reported
    const each = (location: string, body: string, use: (pkg: Package, fields: Paragraph) => void, distrolessBase?: string): void => {
      for (const p of parseParagraphs(body)) {
        out.guard(location, () => {
          const pkg = toPackage(p, location, files, ctx, distrolessBase);
          if (pkg) use(pkg, p.fields);
        });
      }
    };
    const fieldsOf = new Map<Package, Paragraph>();
    const status = text(files, statusFile);
    if (status !== undefined) {
      each(statusFile, status, (pkg, fields) => {
        out.packages.push(pkg);
        fieldsOf.set(pkg, fields);
      });
    }
    for (const entry of files.children(statusDir.slice(0, -1))) {
      if (entry.type !== 'file' || entry.path.endsWith('.md5sums')) continue;
      const body = text(files, entry.path);
      if (body === undefined) continue;
      each(
        entry.path,
        body,
        (pkg, fields) => {
          // An image may keep both (a distroless base that later got a dpkg status written from status.d): one
          // installed package is one package, so the status.d entry only adds its evidence and files.
          const same = out.packages.find((q) => q.name === pkg.name && q.version === pkg.version && q.metadata.architecture === pkg.metadata.architecture);
          if (same) {
            same.locations = [...new Set([...same.locations, ...pkg.locations])];
            same.files = [...new Set([...same.files, ...pkg.files])];
          } else {
            out.packages.push(pkg);
            fieldsOf.set(pkg, fields);
          }
        },
        entry.path,
      );
    }
    linkDepends(out, fieldsOf);
    markExplicit(out, files, fieldsOf.keys());
    return out;
  },
};
