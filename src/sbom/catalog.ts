/**
 * The SBOM engine: one streaming pass over the image that keeps only the files catalogers asked for, then every
 * cataloger over the squashed filesystem, then files owned by no package.
 */
import { type BodyReducer, type FileResolver, type ImageFiles, scanDirectory, scanImage } from '../fs/index.js';
import type { Image } from '../image/types.js';
import type { EventSink } from '../internal/events.js';
import type { CatalogContext, Cataloger, HostCaches } from './cataloger.js';
import { catalogers as allCatalogers } from './catalogers/index.js';
import { normalize, type Sbom, type SbomSource } from './model.js';
import { sourceDateEpochFromEnv } from '../internal/source-date-epoch.js';

const osRelease = ['/etc/os-release', '/usr/lib/os-release'];

/** Debian's own release file: `12.8` on a release, `trixie/sid` on testing and unstable. */
const debianVersion = '/etc/debian_version';

export interface CatalogOptions {
  /** Cataloger names (keys of the registry) to run; all by default. */
  catalogers?: string[];
  events?: EventSink;
  tool?: { name: string; version: string };
  /** Overrides the creation time (else the image's `created`, else SOURCE_DATE_EPOCH, else the epoch). */
  created?: string;
  /** Package caches of this machine that license lookups may read; none by default. */
  hostCaches?: HostCaches;
}

/**
 * Reads os-release (`ID`, `VERSION_ID`, `VERSION_CODENAME`, `ID_LIKE`, `UBUNTU_CODENAME`, `DEBIAN_CODENAME`,
 * `PRETTY_NAME`), following /etc/os-release → /usr/lib symlinks. Ubuntu-based distributions (Linux Mint, Pop!_OS,
 * elementary OS, KDE neon) name the Ubuntu release they are built on in `UBUNTU_CODENAME`, Debian-based ones (LMDE) the
 * Debian release in `DEBIAN_CODENAME`. Debian testing and unstable have no `VERSION_ID`; where os-release names no codename either,
 * /etc/debian_version (`trixie/sid`) gives it.
 */
export function readDistro(files: FileResolver): SbomSource['distro'] {
  for (const path of osRelease) {
    const target = files.resolve(path);
    const body = target ? files.body(target.path) : undefined;
    if (!body) continue;
    const fields: Record<string, string> = {};
    for (const line of body.toString('utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m?.[1]) fields[m[1]] = (m[2] ?? '').replace(/^(["'])(.*)\1$/, '$2');
    }
    if (!fields.ID) continue;
    let codename = fields.VERSION_CODENAME;
    if (!codename && !fields.VERSION_ID && fields.ID === 'debian') {
      const release = files.resolve(debianVersion);
      codename = /^([a-z]+)\/sid\s*$/.exec((release ? files.body(release.path) : undefined)?.toString('utf8') ?? '')?.[1];
    }
    return {
      id: fields.ID,
      ...(fields.VERSION_ID ? { versionId: fields.VERSION_ID } : {}),
      ...(codename ? { versionCodename: codename } : {}),
      ...(fields.ID_LIKE ? { idLike: fields.ID_LIKE } : {}),
      ...(fields.UBUNTU_CODENAME ? { ubuntuCodename: fields.UBUNTU_CODENAME } : {}),
      ...(fields.DEBIAN_CODENAME ? { debianCodename: fields.DEBIAN_CODENAME } : {}),
      ...(fields.PRETTY_NAME ? { prettyName: fields.PRETTY_NAME } : {}),
    };
  }
  return undefined;
}

function selected(names: string[] | undefined): Cataloger[] {
  if (!names) return Object.values(allCatalogers);
  return names.map((n) => {
    const c = allCatalogers[n];
    if (!c) throw new Error(`unknown cataloger "${n}" (known: ${Object.keys(allCatalogers).join(', ')})`);
    return c;
  });
}

function wantsFor(list: Cataloger[]): (path: string, size: number, mode: number) => boolean | BodyReducer {
  const reducers = [...new Set(list.flatMap((c) => (c.reducer ? [c.reducer] : [])))];
  return (path, size, mode) => {
    if (osRelease.includes(path) || path === debianVersion || list.some((c) => c.wants(path))) return true;
    return reducers.find((r) => r.wants(path, size, mode))?.reduce ?? false;
  };
}

function createdFrom(imageCreated: string | undefined, override: string | undefined): string {
  if (override) return override;
  if (imageCreated && !Number.isNaN(Date.parse(imageCreated))) return new Date(imageCreated).toISOString().replace(/\.\d{3}Z$/, 'Z');
  // a malformed value is an error, as everywhere SOURCE_DATE_EPOCH is read (the spec asks a tool not to guess)
  const epoch = sourceDateEpochFromEnv();
  if (epoch !== undefined) return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return '1970-01-01T00:00:00Z';
}

function run(files: FileResolver, source: SbomSource, list: Cataloger[], created: string, options: CatalogOptions): Sbom {
  const tool = options.tool ?? defaultTool;
  const distro = readDistro(files);
  const ctx: CatalogContext = { ...(distro ? { distro } : {}), ...(options.hostCaches ? { hostCaches: options.hostCaches } : {}) };
  const sbom: Sbom = { source: { ...source, ...(distro ? { distro } : {}) }, created, packages: [], relationships: [], unknowns: [], unownedFiles: [], tool };
  for (const c of list) {
    const result = c.catalog(files, ctx);
    sbom.packages.push(...result.packages);
    sbom.relationships.push(...result.relationships);
    sbom.unknowns.push(...result.unknowns);
  }
  // Owned paths are resolved, so that a file a package lists through a symlinked directory (/bin/ls where /bin → usr/bin
  // on merged-/usr systems) counts as owned at its real place.
  const owned = new Set<string>();
  for (const p of sbom.packages) {
    for (const f of [...p.files, ...p.locations]) {
      owned.add(f);
      const real = files.resolve(f);
      if (real) owned.add(real.path);
    }
  }
  for (const e of files.entries()) {
    if (e.type === 'file' && !owned.has(e.path)) sbom.unownedFiles.push(e.path);
  }
  return normalize(sbom);
}

const defaultTool = { name: 'shipshape', version: '0.0.0' };

export async function catalogImage(image: Image, sourceName: string, options: CatalogOptions = {}): Promise<Sbom> {
  return (await catalogImageFiles(image, sourceName, options)).sbom;
}

/** `catalogImage`, also handing back the image's files (the final filesystem and what later layers removed). */
export async function catalogImageFiles(image: Image, sourceName: string, options: CatalogOptions = {}): Promise<{ sbom: Sbom; files: ImageFiles }> {
  const list = selected(options.catalogers);
  const files = await scanImage(image, { hash: false, bodies: wantsFor(list), ...(options.events ? { events: options.events } : {}) });
  const sbom = run(files.squashed, { kind: 'image', name: sourceName, digest: image.digest, imageId: image.manifest.config.digest }, list, createdFrom(image.config.created, options.created), options);
  return { sbom, files };
}

export async function catalogDirectory(dir: string, options: CatalogOptions = {}): Promise<Sbom> {
  const list = selected(options.catalogers);
  const files = await scanDirectory(dir, { hash: false, bodies: wantsFor(list) });
  return run(files, { kind: 'directory', name: dir }, list, createdFrom(undefined, options.created), options);
}
