/**
 * `base build`: resolve a preset's packages from the apt archive (or take them from a lock file), download and
 * verify the `.deb` files into the cache, unpack them, add what distroless adds (users, CA bundle, dpkg status,
 * nsswitch, os-release) and produce a reproducible `Image` plus the lock that pins it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Image } from '../image/types.js';
import { stripElf } from '../internal/elf-strip.js';
import { invalidInput, notFound, ShipshapeError, wrap } from '../internal/errors.js';
import { type EventSink, ProgressTask, silent } from '../internal/events.js';
import { writeFileAtomic } from '../internal/files.js';
import { mapLimit } from '../internal/map-limit.js';
import { type AptSource, aptSourcesOrDefault } from './apt-sources.js';
import { loadArchive, readCached, type ReleaseCheckName, releaseChecks, type SuiteRelease } from './archive.js';

export { releaseChecks } from './archive.js';
import { type DebContents, readDeb } from './deb.js';
import { fetchBytes } from './http.js';
import { imageFromTars, type LayerInput } from './image.js';
import { hostArchitecture, npmNodeBinary } from './node-package.js';
import type { BaseLock } from './lock.js';
import type { PackageRecord } from './packages-index.js';
import { caCertificatesPackage, type PresetName, presets } from './presets.js';
import { resolve, scriptOnlyPackages, Universe } from './resolve.js';
import { addCaBundle, addDpkgStatus, addJavaCacerts, addNsswitch, addOsRelease, addUsers, nonrootUid, Rootfs } from './rootfs.js';

export interface BaseBuildOptions {
  preset: PresetName;
  /** Extra Debian packages, each with its dependency closure. */
  packages?: readonly string[];
  /** Debian architecture name (default amd64). */
  architecture?: string;
  /**
   * Archive sources; default: the machine's apt configuration. Sources with their `InRelease` already fetched (an
   * `archiveState`'s releases) are read as they are: the packages then come from exactly that archive state.
   */
  sources?: readonly AptSource[] | readonly SuiteRelease[];
  /** Where indexes and `.deb` files are cached (a `base/` folder is made inside). */
  cacheDir: string;
  /** Node.js binary for the nodejs preset (default: the running node). */
  nodeBinary?: string;
  /**
   * Install the Node.js binary as it is. By default its symbol table and debug info (sections the loader never
   * maps) are stripped, ~12 MB for the official binary; a `locked` build does what its lock records.
   */
  keepNodeSymbols?: boolean;
  /** Extra CA certificates (PEM files) for the bundle. */
  caCerts?: readonly string[];
  /** Timestamp for every file and the config (default: the newest package date). */
  sourceDateEpoch?: number;
  /** Rebuild exactly from this lock: no index is read, every package comes from the cache or its pool URL. */
  locked?: BaseLock;
  /** Run as nonroot (65532) with /home/nonroot as working directory. */
  nonroot?: boolean;
  /** Never reach the network: only `locked` builds whose packages are all cached work. */
  offline?: boolean;
  /**
   * `false`: accept an InRelease whose `Valid-Until` has passed, as apt's `Acquire::Check-Valid-Until=false` (a
   * snapshot archive). A `locked` build reads no InRelease, so neither check applies to it.
   */
  checkValidUntil?: boolean;
  /** `false`: accept an InRelease whose `Date` is ahead of this machine's clock (apt's `Acquire::Check-Date=false`). */
  checkDate?: boolean;
  /** Seconds after its `Date` an InRelease stays valid at most, as apt's `Acquire::Max-ValidTime` (see `FreshnessChecks`). */
  maxValidTime?: number;
  /** Seconds after its `Date` an InRelease stays valid at least, as apt's `Acquire::Min-ValidTime`. */
  minValidTime?: number;
  events?: EventSink;
  /**
   * Stops the build between steps (index and package downloads, unpacking, layers) and cancels the download or npm
   * run in progress; the promise rejects with the signal's reason. Nothing but verified cache entries is written.
   */
  signal?: AbortSignal;
}

export interface BaseBuildResult {
  image: Image;
  lock: BaseLock;
  packages: { name: string; version: string }[];
  /** The SOURCE_DATE_EPOCH used. */
  epoch: number;
}

function sha256hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Downloads (or takes from the cache) one `.deb`, verified against its SHA256 and size. */
async function fetchDeb(record: PackageRecord, cacheDir: string, locked: boolean, offline: boolean, events: EventSink, signal: AbortSignal | undefined): Promise<Buffer> {
  const cachePath = join(cacheDir, 'debs', `${record.sha256}.deb`);
  const cached = await readCached(cachePath, record.sha256);
  if (cached !== undefined) return cached;
  const url = `${record.archive}/${record.filename}`;
  if (offline) throw notFound(`package ${record.name} ${record.version}`, `is not in the cache ${join(cacheDir, 'debs')} and the configuration says offline`);
  events({ kind: 'log', level: 'info', message: `downloading ${record.name} ${record.version}` });
  let data: Buffer;
  try {
    data = await fetchBytes(url, record.size, signal === undefined ? {} : { signal });
  } catch (error) {
    if (locked && error instanceof ShipshapeError && error.code === 'not-found') {
      throw notFound(`package ${record.name} ${record.version}`, `is gone from the archive (${url}) and not in the cache ${join(cacheDir, 'debs')}; run without --locked to resolve current versions`, error);
    }
    throw error;
  }
  if (data.length !== record.size || sha256hex(data) !== record.sha256) {
    throw invalidInput(url, `does not match the SHA256/size the signed index lists (${record.sha256}, ${record.size} bytes)`);
  }
  await writeFileAtomic(cachePath, data);
  return data;
}

async function readNodeBinary(path: string, architecture: string): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    throw wrap(error, `reading --node-binary ${path}`);
  }
  // ELF header: magic, then e_machine at offset 18 (EM_X86_64 = 62, EM_AARCH64 = 183)
  if (data.length < 20 || data.readUInt32BE(0) !== 0x7f454c46) throw invalidInput(path, 'not an ELF executable');
  const machine = data.readUInt16LE(18);
  const expected = architecture === 'arm64' ? 183 : architecture === 'amd64' ? 62 : undefined;
  if (expected !== undefined && machine !== expected) throw invalidInput(path, `is built for ELF machine ${machine}, not ${architecture}`);
  return data;
}

/**
 * Whether the Node.js binary is stripped: by default yes; `keepNodeSymbols` says no; a locked build does what its lock
 * records (a lock without `stripped` was made with the symbols kept, or by a shipshape that did not strip), and a
 * contrary option is an error, since the rebuild would not be the locked image.
 */
function nodeStripping(options: BaseBuildOptions): boolean {
  const lockedNode = options.locked?.nodeBinary;
  if (options.locked === undefined || lockedNode === undefined) return options.keepNodeSymbols !== true;
  const locked = lockedNode.stripped !== undefined;
  if (options.keepNodeSymbols !== undefined && options.keepNodeSymbols === locked) {
    throw invalidInput('lock file', `was made with the Node.js binary ${locked ? 'stripped' : 'unstripped'}; ${locked ? 'drop --keep-node-symbols' : 'add --keep-node-symbols'} or rebuild without --locked`);
  }
  return locked;
}

/** Debian's Java runtimes (`openjdk-17-jre-headless`, `openjdk-17-jdk-headless`, `default-jre-headless`…). */
function isJre(name: string): boolean {
  return /^openjdk-\d+-(jre|jdk)(-headless)?$/.test(name) || /^default-(jre|jdk)(-headless)?$/.test(name);
}

function lockRecords(lock: BaseLock): PackageRecord[] {
  return lock.packages.map((p) => ({ ...p, depends: '', preDepends: '', provides: '' }));
}

/**
 * The packages a preset (plus extra packages) resolves to in the archive now: the preset's own packages alone, its
 * closure packages and the extras with their dependencies, sorted by name. What a build without --locked installs.
 */
export async function resolvePackages(options: Pick<BaseBuildOptions, 'preset' | 'packages' | 'architecture' | 'sources' | 'cacheDir' | 'events' | 'signal' | ReleaseCheckName>): Promise<PackageRecord[]> {
  const events = options.events ?? silent;
  const preset = presets[options.preset];
  const extra = [...(options.packages ?? [])].sort();
  const sources = options.sources ?? (await aptSourcesOrDefault());
  const indexTask = new ProgressTask(events, 'base-index', 'reading package indexes');
  let universe: Universe;
  try {
    universe = new Universe(
      await loadArchive(sources, {
        cacheDir: join(options.cacheDir, 'base'),
        architecture: options.architecture ?? 'amd64',
        events,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...releaseChecks(options),
      }),
    );
  } finally {
    indexTask.end();
  }
  const alone = resolve(universe, [...preset.packages, caCertificatesPackage], { closure: false });
  const assumeInstalled = [...scriptOnlyPackages, ...preset.assumeInstalled];
  const chosen = new Map(alone.map((r) => [r.name, r]));
  const closure = resolve(universe, preset.closure, { closure: true, assumeInstalled }, chosen);
  for (const r of closure) chosen.set(r.name, r);
  const added = resolve(universe, extra, { closure: true, assumeInstalled }, chosen);
  return [...chosen.values(), ...added].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The lock entry of a resolved package. */
export function lockEntry(r: PackageRecord): BaseLock['packages'][number] {
  return { name: r.name, version: r.version, architecture: r.architecture, archive: r.archive, filename: r.filename, size: r.size, sha256: r.sha256 };
}

/** Builds a base image. */
export async function buildBase(options: BaseBuildOptions): Promise<BaseBuildResult> {
  const events = options.events ?? silent;
  const signal = options.signal;
  signal?.throwIfAborted();
  const preset = presets[options.preset];
  const architecture = options.architecture ?? options.locked?.architecture ?? 'amd64';
  const extra = [...(options.packages ?? [])].sort();
  const cacheDir = join(options.cacheDir, 'base');
  // before any download: a lock that contradicts --keep-node-symbols fails at once
  const stripNode = preset.node ? nodeStripping(options) : false;

  let records: PackageRecord[];
  if (options.locked !== undefined) {
    const lock = options.locked;
    if (lock.preset !== preset.name) throw invalidInput('lock file', `was made for preset "${lock.preset}", not "${preset.name}"`);
    if (lock.architecture !== architecture) throw invalidInput('lock file', `was made for ${lock.architecture}, not ${architecture}`);
    if (options.packages !== undefined && options.packages.length > 0 && JSON.stringify([...lock.extraPackages].sort()) !== JSON.stringify(extra)) {
      throw invalidInput('lock file', `was made with --package ${lock.extraPackages.join(',') || '(none)'}, not ${extra.join(',')}`);
    }
    records = lockRecords(lock);
  } else {
    if (options.offline === true) throw invalidInput('configuration', 'offline: true allows only --locked builds (package indexes need the network)');
    records = await resolvePackages({
      preset: preset.name,
      packages: extra,
      architecture,
      cacheDir: options.cacheDir,
      events,
      ...(options.sources === undefined ? {} : { sources: options.sources }),
      ...(signal === undefined ? {} : { signal }),
      ...releaseChecks(options),
    });
  }
  signal?.throwIfAborted();

  const download = new ProgressTask(events, 'base-download', `fetching ${records.length} packages`, records.reduce((n, r) => n + r.size, 0));
  let debs: Buffer[];
  try {
    debs = await mapLimit(records, 4, async (r) => {
      signal?.throwIfAborted();
      const data = await fetchDeb(r, cacheDir, options.locked !== undefined, options.offline === true, events, signal);
      download.advance(data.length);
      return data;
    });
  } finally {
    download.end();
  }

  const unpack = ProgressTask.counting(events, 'base-unpack', 'unpacking packages', records.length);
  const rootfs = new Rootfs();
  let newest = 0;
  let caPackage: DebContents | undefined;
  try {
    for (const [i, record] of records.entries()) {
      signal?.throwIfAborted();
      const subject = `${record.name}_${record.version}_${record.architecture}.deb`;
      const contents = await readDeb(debs[i] ?? Buffer.alloc(0), subject);
      newest = Math.max(newest, contents.date);
      if (record.name === caCertificatesPackage) {
        caPackage = contents;
        addDpkgStatus(rootfs, record.name, { control: contents.control, date: contents.date, entries: [] });
      } else {
        rootfs.addPackage(contents, subject);
        addDpkgStatus(rootfs, record.name, contents);
      }
      unpack.advance(1);
    }
  } finally {
    unpack.end();
  }

  const extraCas: { name: string; pem: string }[] = [];
  for (const path of options.caCerts ?? []) {
    try {
      extraCas.push({ name: path, pem: await readFile(path, 'utf8') });
    } catch (error) {
      throw wrap(error, `reading --ca-cert ${path}`);
    }
  }
  signal?.throwIfAborted();
  const epoch = options.sourceDateEpoch ?? newest;
  const bundle = addCaBundle(rootfs, caPackage, extraCas);
  // A JRE reads its own trust store, which ca-certificates-java would make in a maintainer script.
  if (records.some((r) => isJre(r.name))) addJavaCacerts(rootfs, bundle, epoch);
  addUsers(rootfs);
  addNsswitch(rootfs);
  addOsRelease(rootfs);

  const created = new Date(epoch * 1000).toISOString().replace(/\.000Z$/, 'Z');
  const command = `shipshape base build --preset ${preset.name}${extra.map((p) => ` --package ${p}`).join('')}${preset.node && !stripNode ? ' --keep-node-symbols' : ''}`;
  const layers: LayerInput[] = [{ tar: await rootfs.toTar(epoch), createdBy: command }];
  signal?.throwIfAborted();

  let nodeBinary: BaseLock['nodeBinary'];
  if (preset.node) {
    // another architecture than the running node's: npm's node-linux-<arch> of the same major (or the locked one)
    let fromNpm: string | undefined;
    let path = options.nodeBinary ?? process.execPath;
    if (options.nodeBinary === undefined && architecture !== hostArchitecture()) {
      const lockedSpec = options.locked?.nodeBinary?.npm;
      const fetched = await npmNodeBinary({ architecture, cacheDir: join(options.cacheDir, 'base'), events, ...(signal === undefined ? {} : { signal }), ...(lockedSpec === undefined ? {} : { version: lockedSpec.slice(lockedSpec.lastIndexOf('@') + 1) }) });
      path = fetched.path;
      fromNpm = fetched.spec;
    }
    let data = await readNodeBinary(path, architecture);
    // the lock names the binary given (what --node-binary must match), and what was installed when it differs
    nodeBinary = { sha256: sha256hex(data), size: data.length, ...(fromNpm === undefined ? {} : { npm: fromNpm }) };
    const lockedNode = options.locked?.nodeBinary;
    if (lockedNode !== undefined && lockedNode.sha256 !== nodeBinary.sha256) {
      throw invalidInput(path, `is not the Node.js binary the lock file records (sha256 ${lockedNode.sha256}); pass --node-binary with that one`);
    }
    if (stripNode) {
      // in place: the binary is ~100 MB and nothing else holds this buffer
      const stripped = stripElf(data, path, { reuseInput: true });
      data = stripped.data;
      if (stripped.stripped) {
        nodeBinary = { ...nodeBinary, stripped: { sha256: sha256hex(data), size: data.length } };
        events({ kind: 'log', level: 'info', message: `stripped ${path}: ${stripped.removed.length} sections the loader never maps, ${(stripped.saved / 1e6).toFixed(1)} MB (--keep-node-symbols keeps them)` });
      } else {
        events({ kind: 'log', level: 'info', message: `${path} installed unstripped: ${stripped.reason}` });
      }
      const want = lockedNode?.stripped;
      if (want !== undefined && want.sha256 !== nodeBinary.stripped?.sha256) {
        events({ kind: 'log', level: 'warn', message: `the stripped Node.js binary differs from the one the lock file records (sha256 ${want.sha256}): this shipshape strips differently, so the image digest differs too` });
      }
    }
    const node = new Rootfs();
    node.file('nodejs/bin/node', data, 0o755);
    layers.push({ tar: await node.toTar(epoch), createdBy: `${command} (Node.js runtime)` });
    signal?.throwIfAborted();
  }

  const image = imageFromTars({
    architecture,
    created,
    layers,
    config: {
      Env: [...preset.env],
      ...(preset.entrypoint === undefined ? {} : { Entrypoint: preset.entrypoint.map((a) => a.replace('amd64', architecture)) }),
      ...(options.nonroot === true ? { User: `${nonrootUid}`, WorkingDir: '/home/nonroot' } : {}),
      Labels: { 'org.opencontainers.image.base.name': `shipshape/base:${preset.name}` },
    },
  });
  signal?.throwIfAborted();

  const lock: BaseLock = {
    lockfileVersion: 1,
    preset: preset.name,
    architecture,
    extraPackages: extra,
    packages: records.map(lockEntry),
    ...(nodeBinary === undefined ? {} : { nodeBinary }),
  };
  return { image, lock, packages: records.map((r) => ({ name: r.name, version: r.version })), epoch };
}
