/**
 * Alpine packages from `/lib/apk/db/installed`: records separated by blank lines, one `X:value` field per line
 * (P name, V version, A arch, L license, o origin, m maintainer, t build time, c aports commit, D dependencies,
 * p provides, F directory, R file in the last F directory; upper-case fields are mandatory, lower-case ones optional).
 * Format: https://wiki.alpinelinux.org/wiki/Apk_spec
 */
import { PackageURL } from 'packageurl-js';
import { isSpdxExpression } from '../../formats/licenses.js';
import { type Cataloger, type CatalogResult, packageId, ResultBuilder } from '../../cataloger.js';
import { type Alternative, type InstalledLookup, installedLookup, linkDependencies } from '../../dependency-graph.js';
import type { Package } from '../../model.js';

const name = 'apk-db-cataloger';
const dbPath = '/lib/apk/db/installed';
const worldPath = '/etc/apk/world';

/**
 * `L:` as SPDX expressions. Alpine writes SPDX expressions since 3.9 (`MIT AND BSD-2-Clause`); older packages list
 * names separated by spaces (`MIT BSD GPL2+`), which are kept one per entry (non-SPDX names become LicenseRefs in
 * the formats).
 */
export function apkLicenses(value: string | undefined): string[] {
  const text = value?.trim();
  if (!text) return [];
  if (isSpdxExpression(text)) return [text];
  return text.split(/\s+/).filter((l) => l !== '');
}

/** A dependency or provided name without its version constraint: `musl>=1.2`, `so:libz.so.1=1.2.13` → the name. */
function dependencyName(atom: string): string {
  return atom.replace(/[<>=~].*$/, '');
}

/**
 * Marks the packages `/etc/apk/world` asks for (what `apk add` was given; apk installs the rest to satisfy them) as
 * explicit. Its atoms are `name[@tag][op version]` (a `so:` or `cmd:` name is met by the package providing it); a `!`
 * atom forbids a package.
 */
function markWorld(body: string, lookup: InstalledLookup): void {
  for (const atom of body.split(/\s+/)) {
    if (atom === '' || atom.startsWith('!')) continue;
    const alt = { name: dependencyName(atom).replace(/@.*$/, '') };
    const pkg = lookup.byName(alt) ?? lookup.byProvides(alt);
    if (pkg) pkg.explicit = true;
  }
}

export const apkDbCataloger: Cataloger = {
  name,
  wants: (path) => path === dbPath || path === worldPath,
  catalog(files, ctx): CatalogResult {
    const out = new ResultBuilder(name);
    const body = files.body(dbPath)?.toString('utf8');
    if (body === undefined) return out;
    const entry = files.get(dbPath);
    const dbLayer = entry && entry.layer >= 0 ? entry.layer : undefined;
    // `D:` names, each met by the package of that name, one that provides it (`p:` — `so:` libraries, `cmd:`
    // commands, `pc:` pkg-config names) or, for a path such as `/bin/sh`, the package owning that file
    const depends = new Map<Package, Alternative[][]>();
    const provides = new Map<Package, string[]>();
    const words = (value: string | undefined): string[] => (value ?? '').split(/\s+/).filter((w) => w !== '');
    // one broken record is an unknown; the records around it are still read
    for (const record of body.split(/\r?\n\s*\r?\n/)) {
      if (record.trim() === '') continue;
      out.guard(dbPath, () => {
        const fields: Record<string, string> = {};
        const owned: string[] = [];
        let dir = '';
        for (const raw of record.split('\n')) {
          const line = raw.replace(/\r$/, '');
          if (line.length < 2 || line[1] !== ':') continue;
          const key = line[0] ?? '';
          const value = line.slice(2);
          if (key === 'F') dir = value;
          else if (key === 'R') owned.push(`/${dir ? `${dir}/` : ''}${value}`);
          else fields[key] ??= value;
        }
        const pkgName = fields.P;
        const version = fields.V;
        if (!pkgName || !version) throw new Error('record without P: or V:');
        const qualifiers: Record<string, string> = {};
        if (fields.A) qualifiers.arch = fields.A;
        if (ctx.distro?.versionId) qualifiers.distro = `${ctx.distro.id}-${ctx.distro.versionId}`;
        if (fields.o && fields.o !== pkgName) qualifiers.upstream = fields.o;
        // The layer that introduced the installed version: the lowest layer among the package's files as they are now
        // (an upgrade rewrites them all; a later edit of one config file does not move the package). A package without
        // files (a meta package) is dated by the database.
        let layer: number | undefined;
        for (const path of owned) {
          const file = files.get(path);
          if (file && file.layer >= 0 && (layer === undefined || file.layer < layer)) layer = file.layer;
        }
        const pkg: Package = {
          id: packageId('apk', pkgName, version, dbPath),
          type: 'apk',
          name: pkgName,
          version,
          purl: new PackageURL('apk', ctx.distro?.id ?? 'alpine', pkgName, version, qualifiers, undefined).toString(),
          licenses: apkLicenses(fields.L),
          cpes: [],
          foundBy: name,
          locations: [dbPath],
          layer: layer ?? dbLayer,
          files: owned,
          metadata: {
            architecture: fields.A,
            origin: fields.o,
            ...(fields.m ? { maintainer: fields.m } : {}),
            ...(fields.c ? { commit: fields.c } : {}),
          },
        };
        out.packages.push(pkg);
        // `!name` is a conflict, not a dependency
        depends.set(pkg, words(fields.D).filter((atom) => !atom.startsWith('!')).map((atom) => [{ name: dependencyName(atom) }]));
        provides.set(pkg, words(fields.p).map(dependencyName));
      });
    }
    const lookup = installedLookup(provides);
    linkDependencies(out.relationships, depends, lookup);
    const world = files.body(worldPath)?.toString('utf8');
    if (world !== undefined) markWorld(world, lookup);
    return out;
  },
};
