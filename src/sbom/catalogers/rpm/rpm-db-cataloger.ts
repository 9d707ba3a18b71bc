/**
 * rpm: the sqlite database (`rpmdb.sqlite`, rpm ≥ 4.16's default, in `/var/lib/rpm` or `/usr/lib/sysimage/rpm`). Each
 * row of its `Packages` table is one installed package's header blob in rpm's header format (the "header structure"
 * of the RPM file format docs: index count, data length, 16-byte index entries, then the data store), all big-endian.
 * The older Berkeley DB (`Packages`) and ndb (`Packages.db`) backends are reported as unknowns.
 */
import Database from 'better-sqlite3';
import { PackageURL } from 'packageurl-js';
import type { FileResolver } from '../../../fs/index.js';
import { type Cataloger, type CatalogContext, type CatalogResult, type FileReducer, packageId, ResultBuilder } from '../../cataloger.js';
import { type Alternative, installedLookup, linkDependencies } from '../../dependency-graph.js';
import type { Package } from '../../model.js';

const name = 'rpm-db-cataloger';
const sqlitePaths = ['/var/lib/rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/rpmdb.sqlite'];
const otherBackends = ['/var/lib/rpm/Packages', '/var/lib/rpm/Packages.db', '/usr/lib/sysimage/rpm/Packages', '/usr/lib/sysimage/rpm/Packages.db'];

/** Header tags the cataloger reads (rpmtag.h). */
export const tags = {
  name: 1000, version: 1001, release: 1002, epoch: 1003, summary: 1004, size: 1009, vendor: 1011, license: 1014, arch: 1022,
  sourceRpm: 1044, provideName: 1047, requireName: 1049, dirIndexes: 1116, baseNames: 1117, dirNames: 1118, modularityLabel: 5096,
} as const;

const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;

export type HeaderValue = string | string[] | number[];

/**
 * Parses one header blob (no lead, no magic: what rpmdb stores). Only string, string-array and int32 entries are
 * decoded; every offset is checked against the data store.
 */
export function parseHeaderBlob(blob: Buffer): Map<number, HeaderValue> {
  if (blob.length < 8) throw new Error('rpm header: shorter than its 8-byte preamble');
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  const dataStart = 8 + il * 16;
  if (il > 100_000 || dataStart + dl > blob.length) throw new Error(`rpm header: ${il} entries and ${dl} data bytes do not fit its ${blob.length} bytes`);
  const data = blob.subarray(dataStart, dataStart + dl);
  const values = new Map<number, HeaderValue>();
  const strings = (offset: number, count: number): string[] => {
    const out: string[] = [];
    let at = offset;
    for (let i = 0; i < count; i++) {
      const end = data.indexOf(0, at);
      if (end < 0) throw new Error(`rpm header: an unterminated string at ${at}`);
      out.push(data.toString('utf8', at, end));
      at = end + 1;
    }
    return out;
  };
  for (let i = 0; i < il; i++) {
    const e = 8 + i * 16;
    const tag = blob.readUInt32BE(e);
    const type = blob.readUInt32BE(e + 4);
    const offset = blob.readInt32BE(e + 8);
    const count = blob.readUInt32BE(e + 12);
    if (offset < 0 || offset >= dl) continue; // region trailers and empty entries point nowhere useful
    switch (type) {
      case TYPE_STRING:
        values.set(tag, strings(offset, 1)[0] ?? '');
        break;
      case TYPE_STRING_ARRAY:
      case TYPE_I18NSTRING:
        if (count > dl) throw new Error(`rpm header: tag ${tag} claims ${count} strings`);
        values.set(tag, type === TYPE_I18NSTRING ? (strings(offset, 1)[0] ?? '') : strings(offset, count));
        break;
      case TYPE_INT32: {
        if (offset + count * 4 > dl) throw new Error(`rpm header: tag ${tag} runs past the data store`);
        const ints: number[] = [];
        for (let k = 0; k < count; k++) ints.push(data.readInt32BE(offset + k * 4));
        values.set(tag, ints);
        break;
      }
      default:
        break;
    }
  }
  return values;
}

function text(h: Map<number, HeaderValue>, tag: number): string | undefined {
  const v = h.get(tag);
  return typeof v === 'string' ? v : undefined;
}

function list(h: Map<number, HeaderValue>, tag: number): string[] {
  const v = h.get(tag);
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : [];
}

function ints(h: Map<number, HeaderValue>, tag: number): number[] {
  const v = h.get(tag);
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? v : [];
}

/** The blobs of `Packages`, read from a copy of the database in memory (no file is written). */
function readBlobs(body: Buffer): Buffer[] {
  // rpm leaves the database in WAL mode; bytes 18 and 19 (file format read/write versions, 2 = WAL) make an
  // in-memory copy refuse to open, and once checkpointed the WAL adds nothing, so read it as a rollback database.
  const copy = Buffer.from(body);
  if (copy.length > 20 && copy[18] === 2) copy[18] = copy[19] = 1;
  const db = new Database(copy, { readonly: true });
  try {
    return db.prepare('SELECT blob FROM Packages ORDER BY hnum').pluck().all().filter((b): b is Buffer => Buffer.isBuffer(b));
  } finally {
    db.close();
  }
}

/** Keeps the whole database (it may exceed the plain body limit), only for the two well-known paths. */
const rpmdbReducer: FileReducer = {
  wants: (path) => sqlitePaths.includes(path),
  reduce: (body) => body,
};

function catalogDb(files: FileResolver, path: string, layer: number | undefined, ctx: CatalogContext, out: ResultBuilder): void {
  const body = files.body(path);
  if (!body) return;
  out.guard(path, () => {
    // Requires names, each met by the package of that name, one that provides it (a soname such as
    // `libc.so.6()(64bit)`, `config(x)`, a virtual name) or, for a path such as `/bin/sh`, the package owning that
    // file. A rich dependency (`(a or b)`, rpm ≥ 4.13) is not read: it matches no name and leaves them unknown.
    const requires = new Map<Package, Alternative[][]>();
    const provides = new Map<Package, string[]>();
    for (const blob of readBlobs(body)) {
      const h = parseHeaderBlob(blob);
      const pkgName = text(h, tags.name);
      const version = text(h, tags.version);
      const release = text(h, tags.release);
      if (!pkgName || !version || release === undefined) {
        out.unknown(path, 'a package header without name, version or release');
        continue;
      }
      if (pkgName === 'gpg-pubkey') continue; // imported signing keys are stored as pseudo-packages, not software
      const epoch = ints(h, tags.epoch)[0];
      const arch = text(h, tags.arch);
      const full = `${epoch === undefined ? '' : `${epoch}:`}${version}-${release}`;
      const qualifiers: Record<string, string> = {};
      if (arch) qualifiers.arch = arch;
      if (epoch !== undefined) qualifiers.epoch = String(epoch);
      if (ctx.distro?.versionId) qualifiers.distro = `${ctx.distro.id}-${ctx.distro.versionId}`;
      const sourceRpm = text(h, tags.sourceRpm);
      if (sourceRpm && sourceRpm !== '(none)') qualifiers.upstream = sourceRpm;
      const dirNames = list(h, tags.dirNames);
      const owned = list(h, tags.baseNames).map((base, i) => `${dirNames[ints(h, tags.dirIndexes)[i] ?? -1] ?? ''}${base}`);
      const license = text(h, tags.license);
      const pkg: Package = {
        id: packageId('rpm', pkgName, full, path),
        type: 'rpm',
        name: pkgName,
        version: full,
        purl: new PackageURL('rpm', ctx.distro?.id, pkgName, `${version}-${release}`, qualifiers, undefined).toString(),
        licenses: license ? [license] : [],
        cpes: [],
        foundBy: name,
        locations: [path],
        layer,
        files: owned.filter((f) => f.startsWith('/')),
        metadata: { arch, epoch: epoch === undefined ? undefined : String(epoch), sourceRpm, vendor: text(h, tags.vendor), summary: text(h, tags.summary) },
      };
      out.packages.push(pkg);
      // `rpmlib(…)` names are features of rpm itself, not packages
      requires.set(pkg, list(h, tags.requireName).filter((n) => !n.startsWith('rpmlib(')).map((n) => [{ name: n }]));
      provides.set(pkg, list(h, tags.provideName));
    }
    linkDependencies(out.relationships, requires, installedLookup(provides));
  });
}

export const rpmDbCataloger: Cataloger = {
  name,
  wants: () => false,
  reducer: rpmdbReducer,
  catalog(files, ctx): CatalogResult {
    const out = new ResultBuilder(name);
    // /var/lib/rpm is often a symlink to /usr/lib/sysimage/rpm: read each database once, at its real path
    const seen = new Set<string>();
    for (const path of sqlitePaths) {
      const entry = files.resolve(path);
      if (entry?.type !== 'file' || seen.has(entry.path)) continue;
      seen.add(entry.path);
      catalogDb(files, entry.path, entry.layer >= 0 ? entry.layer : undefined, ctx, out);
    }
    for (const path of otherBackends) {
      if (files.get(path)?.type === 'file') out.unknown(path, 'rpm databases in the Berkeley DB and ndb formats are not read (only rpmdb.sqlite)');
    }
    return out;
  },
};
