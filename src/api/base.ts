/** `base build`: a distroless-style base image from Debian packages, written to a sink, with its lock file. */
import { join, resolve as resolvePath } from 'node:path';
import { mirrorSource, type AptSource } from '../base/apt-sources.js';
import { buildBase, lockEntry, releaseChecks, resolvePackages } from '../base/build.js';
import { comparePackages, type PackageUpdate, updatedLock } from '../base/update.js';
import { type BaseLock, readLock, serializeLock } from '../base/lock.js';
import type { PresetName } from '../base/presets.js';
import { configSchema as fileConfigSchema, type Config } from '../config/schema.js';
import { abortable, indexOfImages } from '../image/mutate/index.js';
import { createTransportContext, sinkFor, write } from '../image/transports/index.js';
import type { Artifact, Digest, Image } from '../image/types.js';
import { invalidInput, ShipshapeError, wrap } from '../internal/errors.js';
import { type EventSink, ProgressTask, silent } from '../internal/events.js';
import { writeFileAtomic } from '../internal/files.js';
import { pruneAllBases, type PrunedBases } from './base-cache.js';

export { presetNames, presets, type PresetName } from '../base/presets.js';
export type { BaseLock } from '../base/lock.js';
export type { PackageUpdate, UpdateChange } from '../base/update.js';

export interface BaseBuildRequest {
  preset: PresetName;
  /** Image name of the destination, any sink of `src/image/transports/` (`oci:DIR[:TAG]`, `docker-archive:FILE[:REF]`…). */
  outputImage: string;
  packages?: readonly string[];
  /** `URI[,SUITE...]` archives instead of the machine's apt sources. */
  mirrors?: readonly string[];
  architecture?: string;
  /** Several Debian architectures: one image each, written as an index. */
  architectures?: readonly string[];
  nodeBinary?: string;
  /** Install the Node.js binary with its symbol table and debug info (stripped by default; see `BaseBuildOptions`). */
  keepNodeSymbols?: boolean;
  caCerts?: readonly string[];
  sourceDateEpoch?: number;
  /** Lock file: written after a build, or read with `locked`. */
  lockFile?: string;
  locked?: boolean;
  nonroot?: boolean;
  offline?: boolean;
  /** `false`: accept an InRelease past its `Valid-Until` (snapshot archives); see `BaseBuildOptions`. */
  checkValidUntil?: boolean;
  /** `false`: accept an InRelease dated ahead of this machine's clock; see `BaseBuildOptions`. */
  checkDate?: boolean;
  /** Seconds after its `Date` an InRelease stays valid at most (apt's `Acquire::Max-ValidTime`); see `BaseBuildOptions`. */
  maxValidTime?: number;
  /** Seconds after its `Date` an InRelease stays valid at least (apt's `Acquire::Min-ValidTime`). */
  minValidTime?: number;
  /** Configuration for the sink (registry, engine settings). */
  config?: Config;
  cacheDir: string;
  events?: EventSink;
  /**
   * Stops the build (downloads, unpacking, layers) and the write: the destination and the lock file are left as they
   * were, and the promise rejects with the signal's reason. The library installs no signal handlers.
   */
  signal?: AbortSignal;
}

/** One built image: its digest, packages and layers. */
export interface BaseBuildImage {
  digest: Digest;
  architecture: string;
  packages: { name: string; version: string }[];
  layers: { digest: Digest; size: number; uncompressedSize: number | undefined }[];
  /** Sum of the uncompressed layer tars. */
  uncompressedSize: number;
  sourceDateEpoch: number;
  lockFile?: string;
}

export interface BaseBuildReport extends BaseBuildImage {
  /** The image's digest, or the index's when several architectures were built. */
  digest: Digest;
  preset: PresetName;
  destination: string;
  /** With several architectures: each image of the index (the top-level fields describe the first). */
  images?: BaseBuildImage[];
}

/** The lock file of one architecture in a multi-architecture build: `base.lock.json` → `base.lock.arm64.json`. */
export function lockFileFor(lockFile: string, architecture: string, multi: boolean): string {
  if (!multi) return lockFile;
  const dot = lockFile.lastIndexOf('.');
  const slash = lockFile.lastIndexOf('/');
  return dot > slash + 1 ? `${lockFile.slice(0, dot)}.${architecture}${lockFile.slice(dot)}` : `${lockFile}.${architecture}`;
}

/**
 * Builds a base image and writes it (and its lock file when asked). With several architectures, one image per
 * architecture from the same recipe, written as an OCI index (one lock file per architecture).
 */
export async function baseBuild(request: BaseBuildRequest): Promise<BaseBuildReport> {
  const events = request.events ?? silent;
  const signal = request.signal;
  // fail on a bad destination before any download
  const sink = sinkFor(request.outputImage);
  if (request.locked === true && request.lockFile === undefined) throw new ShipshapeError('usage', '--locked needs --lock FILE');
  const architectures = [...new Set(request.architectures ?? (request.architecture === undefined ? [] : [request.architecture]))];
  const multi = architectures.length > 1;
  // the sink would refuse the index only after every architecture's packages were downloaded and unpacked
  if (multi && !sink.transport.writesIndexes) {
    throw new ShipshapeError('usage', `holds one image, and ${architectures.length} platforms (${architectures.join(', ')}) make an index: write it to oci:DIR, oci-archive:FILE or docker://REF, or build one platform`, { subject: request.outputImage });
  }
  const sources: AptSource[] | undefined = request.mirrors !== undefined && request.mirrors.length > 0 ? request.mirrors.flatMap((m) => mirrorSource(m)) : undefined;
  if (request.sourceDateEpoch !== undefined && (!Number.isSafeInteger(request.sourceDateEpoch) || request.sourceDateEpoch < 0)) {
    throw invalidInput('SOURCE_DATE_EPOCH', `"${request.sourceDateEpoch}" is not a non-negative integer of seconds`);
  }
  const builds: { architecture: string | undefined; result: Awaited<ReturnType<typeof buildBase>>; lockFile: string | undefined; fromLock: boolean }[] = [];
  for (const architecture of architectures.length === 0 ? [undefined] : architectures) {
    const lockFile = request.lockFile === undefined ? undefined : lockFileFor(request.lockFile, architecture ?? '', multi);
    const locked = request.locked === true && lockFile !== undefined ? await readLock(lockFile) : undefined;
    const result = await buildBase({
      preset: request.preset,
      cacheDir: request.cacheDir,
      events,
      ...(request.packages === undefined ? {} : { packages: request.packages }),
      ...(sources === undefined ? {} : { sources }),
      ...(architecture === undefined ? {} : { architecture }),
      ...(request.nodeBinary === undefined ? {} : { nodeBinary: request.nodeBinary }),
      ...(request.keepNodeSymbols === undefined ? {} : { keepNodeSymbols: request.keepNodeSymbols }),
      ...(request.caCerts === undefined ? {} : { caCerts: request.caCerts }),
      ...(request.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: request.sourceDateEpoch }),
      ...(locked === undefined ? {} : { locked }),
      ...(request.nonroot === undefined ? {} : { nonroot: request.nonroot }),
      ...(request.offline === undefined ? {} : { offline: request.offline }),
      ...releaseChecks(request),
      ...(signal === undefined ? {} : { signal }),
    });
    builds.push({ architecture, result, lockFile, fromLock: locked !== undefined });
  }
  const first = builds[0];
  if (first === undefined) throw new ShipshapeError('internal', 'no architecture was built');
  signal?.throwIfAborted();
  // the sinks write atomically: an abort while writing leaves the destination as it was
  const interruptible = (image: Image): Image => (signal === undefined ? image : abortable(image, signal));
  const artifact: Artifact = multi ? { kind: 'index', index: indexOfImages(builds.map((b) => interruptible(b.result.image))) } : { kind: 'image', image: interruptible(first.result.image) };
  const task = new ProgressTask(events, 'base-write', `writing ${request.outputImage}`);
  const ctx = await createTransportContext(request.config ?? fileConfigSchema.parse({}), events, signal);
  let written: string;
  try {
    written = (await write(request.outputImage, artifact, ctx)).name;
  } finally {
    task.end();
    await ctx.close();
  }
  // no abort check here: an image written gets the lock file that pins it
  for (const b of builds) {
    if (b.lockFile !== undefined && !b.fromLock) await writeLockFile(resolvePath(b.lockFile), b.result.lock);
  }
  const report = (b: (typeof builds)[number]): BaseBuildImage => {
    const layers = b.result.image.layers.map((l) => ({ digest: l.descriptor.digest, size: l.descriptor.size, uncompressedSize: l.uncompressedSize }));
    return {
      digest: b.result.image.digest,
      architecture: b.result.image.config.architecture,
      packages: b.result.packages,
      layers,
      uncompressedSize: layers.reduce((n, l) => n + (l.uncompressedSize ?? 0), 0),
      sourceDateEpoch: b.result.epoch,
      ...(b.lockFile === undefined ? {} : { lockFile: b.lockFile }),
    };
  };
  const main = report(first);
  return {
    ...main,
    digest: artifact.kind === 'index' ? artifact.index.digest : main.digest,
    preset: request.preset,
    destination: written,
    ...(multi ? { images: builds.map(report) } : {}),
  };
}

/** Writes a lock file atomically (a temp file renamed over it), so a failure leaves the old one whole. */
async function writeLockFile(path: string, lock: BaseLock): Promise<void> {
  try {
    await writeFileAtomic(path, serializeLock(lock));
  } catch (error) {
    throw wrap(error, `writing lock file ${path}`);
  }
}

export interface BaseUpdateRequest {
  lockFile: string;
  /** Rewrite the lock with what the archive offers now. */
  write?: boolean;
  /** `URI[,SUITE...]` archives instead of the machine's apt sources. */
  mirrors?: readonly string[];
  offline?: boolean;
  /** `false`: accept an InRelease past its `Valid-Until` (snapshot archives). */
  checkValidUntil?: boolean;
  /** `false`: accept an InRelease dated ahead of this machine's clock. */
  checkDate?: boolean;
  /** apt's `Acquire::Max-ValidTime`, in seconds. */
  maxValidTime?: number;
  /** apt's `Acquire::Min-ValidTime`, in seconds. */
  minValidTime?: number;
  cacheDir: string;
  events?: EventSink;
}

export interface BaseUpdateReport {
  lockFile: string;
  preset: PresetName;
  architecture: string;
  /** Every package of the lock and of the new resolution, by name. */
  packages: PackageUpdate[];
  /** How many packages would change (upgrade, downgrade, added, removed). */
  changes: number;
  written: boolean;
}

/**
 * `base update`: resolves the lock's preset and extra packages against the archive again and reports, per package,
 * the locked and the available version; with `write`, the lock is rewritten (a `base build --locked` then builds
 * the new versions). Nothing is downloaded but the indexes.
 */
export async function baseUpdate(request: BaseUpdateRequest): Promise<BaseUpdateReport> {
  if (request.offline === true) throw invalidInput('configuration', 'offline: true: base update needs the package indexes from the network');
  const lock = await readLock(request.lockFile);
  const sources: AptSource[] | undefined = request.mirrors !== undefined && request.mirrors.length > 0 ? request.mirrors.flatMap((m) => mirrorSource(m)) : undefined;
  const current = await resolvePackages({
    preset: lock.preset as PresetName,
    packages: lock.extraPackages,
    architecture: lock.architecture,
    cacheDir: request.cacheDir,
    ...(request.events === undefined ? {} : { events: request.events }),
    ...(sources === undefined ? {} : { sources }),
    ...releaseChecks(request),
  });
  const packages = comparePackages(lock.packages, current);
  const changes = packages.filter((p) => p.change !== 'same').length;
  const write = request.write === true && changes > 0;
  if (write) await writeLockFile(resolvePath(request.lockFile), updatedLock(lock, current.map(lockEntry)));
  return { lockFile: request.lockFile, preset: lock.preset as PresetName, architecture: lock.architecture, packages, changes, written: write };
}

export interface BasePruneRequest {
  cacheDir: string;
  /** Remove only the bases no build has used for longer than this many seconds (default: every base no build holds). */
  until?: number;
}

export type BasePruneReport = PrunedBases;

/**
 * `base prune`: removes the preset bases `build` cached in `<cacheDir>/build/bases/`, each unless a running build
 * holds it; with `until`, only those unused for longer than that. A later build assembles its base again.
 */
export async function basePrune(request: BasePruneRequest): Promise<BasePruneReport> {
  if (request.until !== undefined && (!Number.isSafeInteger(request.until) || request.until < 0)) throw invalidInput('until', `"${request.until}" is not a non-negative integer of seconds`);
  return pruneAllBases(join(request.cacheDir, 'build', 'bases'), request.until);
}
