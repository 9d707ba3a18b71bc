/**
 * `build`: a daemonless, reproducible image of a Node.js project (or, with `binary`, of a compiled program),
 * written to any sink. The base is a preset assembled by the base engine and cached in the cache directory,
 * or any image (`base`) from any transport.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import type { SuiteRelease } from '../base/archive.js';
import type { PresetName } from '../base/presets.js';
import { binaryNeeds, type BinaryNeeds, buildBinaryImage, buildNodeApp, type BuildResult, type GitCache, type LayerRole, parseEnv, readProject } from '../build/index.js';
import { configSchema as fileConfigSchema, type Config } from '../config/schema.js';
// the module itself, not the generate index: every build looks for a workspace, few need the detectors
import { findWorkspace, type FoundWorkspace } from '../generate/ecosystems/node/workspace.js';
import { maxMemberEntries } from '../generate/member-globs.js';
import { pathExists, writeDirAtomic } from '../image/atomic.js';
import { parseReference } from '../image/reference.js';
import { createTransportContext, open, parseImageName, resolve, sinkFor, type TransportContext, write } from '../image/transports/index.js';
import { abortable } from '../image/mutate/index.js';
import type { Digest, Image, Layer } from '../image/types.js';
import { invalidInput, notFound, ShipshapeError } from '../internal/errors.js';
import { type EventSink, ProgressTask, silent } from '../internal/events.js';
import { readBoundedText, writeFileAtomic } from '../internal/files.js';
import { parseJson } from '../internal/parse-json.js';
import { type BaseLease, leaseCachedBase, leaseNewBase, pruneBases } from './base-cache.js';
import { openImage, type OpenedImage } from './open-image.js';

export interface BuildRequest {
  /**
   * The project directory (default: the working directory). A workspace member's folder (npm or yarn `workspaces`,
   * `pnpm-workspace.yaml`) builds with the workspace root's lockfile and installed packages.
   */
  dir?: string;
  /** Where to write the image: any sink name (`docker-daemon:app:1`, `oci:DIR:TAG`, `docker-archive:FILE`, `docker://REF`). */
  outputImage: string;
  /** Any image name of any transport to build on, instead of the assembled preset. */
  base?: string;
  /**
   * A compiled program (Go, Rust, C) to build an image of, instead of a Node.js project: its base is the
   * `static`, `base` or `cc` preset its ELF needs (DT_NEEDED) call for, unless `base` is given.
   */
  binary?: string;
  /** Node.js binary for the assembled `nodejs` base (default: the running node). */
  nodeBinary?: string;
  /** Keep the symbol table and debug info of the assembled `nodejs` base's Node.js binary (stripped by default). */
  keepNodeSymbols?: boolean;
  /** The apt configuration folder whose sources the assembled base is resolved from (default `/etc/apt`; Debian 12's archive when it has none). */
  etcApt?: string;
  /** The file node runs (default: from package.json). */
  entry?: string;
  /** Trace the files the entry point needs (default true); false keeps the whole production node_modules. */
  trace?: boolean;
  /** `NAME=VALUE` pairs for the image's environment. */
  env?: readonly string[];
  /** Ports to expose (default: detected from the sources, as `shipshape init` does). */
  ports?: readonly number[];
  labels?: Readonly<Record<string, string>>;
  sourceDateEpoch?: number;
  /** `os/arch` picked when `base` is an index (default linux/amd64). */
  platform?: string;
  /** The npm executable for `npm ci --omit=dev` when node_modules is absent. */
  npm?: string;
  config?: Config;
  cacheDir: string;
  events?: EventSink;
  /**
   * Stops the build: a running `npm ci` is killed and the write in progress fails as any failed write does — a
   * new destination is not created, an existing one keeps its content, and no temp file is left in it or in the
   * cache. The promise then rejects with the signal's reason. The library installs no signal handlers.
   */
  signal?: AbortSignal;
}

export interface BuildLayerReport {
  role: LayerRole;
  digest: Digest;
  /** Compressed size. */
  size: number;
  uncompressedSize: number | undefined;
  files?: number;
  /** Its blob was reused from an earlier build (shipshape's own layers only). */
  cached?: boolean;
}

export interface BuildReport {
  /** The image as written, named as a user would name it again. */
  destination: string;
  digest: Digest;
  base: { name: string; digest: Digest };
  entrypoint: string[];
  layers: BuildLayerReport[];
  /** Sum of the uncompressed layer tars. */
  uncompressedSize: number;
  /** Sum of the compressed layer blobs. */
  compressedSize: number;
  /** RFC 3339 creation time. */
  created: string;
  /** Milliseconds per phase (`base`, `install`, `trace`, `layers`, `write`, `total`). */
  timings: Record<string, number>;
  /** With `binary`: what its ELF needs and the preset chosen from that. */
  binary?: BinaryNeeds;
  /** A registry push: how many blobs the registry already had (skipped) and how many were uploaded or mounted. */
  push?: { existing: number; uploaded: number; mounted: number };
}

const defaultConfig = (): Config => fileConfigSchema.parse({});

/**
 * The cache key part of the Node.js binary a `nodejs` base takes (path, size, time), once it is known to be a file
 * shipshape can read: a read failing later would surface deep in the base build, far from the flag.
 */
async function nodeBinaryKey(path: string): Promise<string> {
  const subject = `--node-binary ${path}`;
  let info;
  try {
    info = await stat(path);
    if (info.isFile()) await access(path, constants.R_OK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw invalidInput(subject, 'no such file', error);
    // Node's system errors read "EACCES: permission denied, access '/path'": the reason is the part between
    const message = error instanceof Error ? error.message : String(error);
    throw invalidInput(subject, `cannot be read: ${/^[A-Z]+: ([^,]+),/.exec(message)?.[1] ?? message}`, error);
  }
  if (info.isDirectory()) throw invalidInput(subject, 'is a directory, not a Node.js binary');
  if (!info.isFile()) throw invalidInput(subject, 'is not a regular file, not a Node.js binary');
  return `${path}:${info.size}:${Math.floor(info.mtimeMs)}`;
}

/** What a build asks of a preset base (preset, architecture, the Node.js binary a `nodejs` base takes), worked out once per build. */
interface BaseRecipe {
  /** `presetBaseCache`'s dir without an archive state: every entry of the recipe starts with it. */
  prefix: string;
  nodeBinary: string | undefined;
  keepNodeSymbols: boolean;
}

async function baseRecipe(preset: PresetName, architecture: string, request: Pick<BuildRequest, 'cacheDir' | 'nodeBinary' | 'keepNodeSymbols'>): Promise<BaseRecipe> {
  const nodeBinary = preset === 'nodejs' ? resolvePath(request.nodeBinary ?? process.execPath) : undefined;
  const nodeKey = nodeBinary === undefined ? '' : await nodeBinaryKey(nodeBinary);
  const keepNodeSymbols = nodeBinary !== undefined && request.keepNodeSymbols === true;
  // v2: the Node.js binary is stripped unless keepNodeSymbols (bases cached by v1 hold it unstripped);
  // v3: the archive state is part of the name (a v2 entry was kept whatever the archive did since)
  const key = createHash('sha256').update(JSON.stringify({ v: 3, preset, architecture, nodeKey, keepNodeSymbols })).digest('hex').slice(0, 32);
  return { prefix: join(request.cacheDir, 'build', 'bases', `${preset}-${key}-`), nodeBinary, keepNodeSymbols };
}

/** The cache entry of `recipe` for an archive state (`archiveState`'s digest). */
function recipeEntry(recipe: BaseRecipe, archive: string): string {
  return `${recipe.prefix}${archive.slice(0, 32)}`;
}

/**
 * Where a build of `request` keeps the preset base: `<cacheDir>/build/bases/<preset>-<recipe>-<archive>`, the recipe
 * naming what the build asks for (preset, architecture, the Node.js binary a `nodejs` base takes) and the archive
 * part the state of the Debian archive it is resolved from (`archiveState`'s digest: the `Packages` indexes its
 * `InRelease` files list), so that a base is never reused once the archive has moved, and two archive states never
 * share an entry. `archive` undefined: only the recipe's prefix, for a lookup. Exported for tests that seed the cache.
 */
export async function presetBaseCache(preset: PresetName, architecture: string, request: Pick<BuildRequest, 'cacheDir' | 'nodeBinary' | 'keepNodeSymbols'>, archive: string | undefined): Promise<{ dir: string; nodeBinary: string | undefined; keepNodeSymbols: boolean }> {
  const recipe = await baseRecipe(preset, architecture, request);
  return { dir: archive === undefined ? recipe.prefix : recipeEntry(recipe, archive), nodeBinary: recipe.nodeBinary, keepNodeSymbols: recipe.keepNodeSymbols };
}

/** The base cached last for a recipe, whatever its state. */
async function newestCachedBase(recipe: BaseRecipe): Promise<{ dir: string; time: Date } | undefined> {
  const prefix = recipe.prefix;
  const parent = dirname(prefix);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return undefined;
  }
  let newest: { dir: string; time: Date } | undefined;
  for (const name of names.filter((n) => n.startsWith(basename(prefix)))) {
    const dir = join(parent, name);
    const info = await stat(join(dir, 'index.json')).catch(() => undefined);
    if (info !== undefined && (newest === undefined || info.mtimeMs > newest.time.getTime())) newest = { dir, time: info.mtime };
  }
  return newest;
}

/** Marks, in a recipe's cache folder, the base the last check against the archive named, and when it was made. */
function checkedMarker(recipe: BaseRecipe): string {
  return `${recipe.prefix}checked`;
}

/** The base the archive named less than `recheckAfter` seconds ago, if it is still cached. */
async function recentlyCheckedBase(recipe: BaseRecipe, recheckAfter: number): Promise<{ dir: string; ageSeconds: number; checkedAt: number } | undefined> {
  if (recheckAfter === 0) return undefined;
  const marker = checkedMarker(recipe);
  const info = await stat(marker).catch(() => undefined);
  if (info === undefined) return undefined;
  const ageSeconds = Math.floor((Date.now() - info.mtimeMs) / 1000);
  // a clock set back makes the age negative: ask the archive rather than trust the marker
  if (ageSeconds < 0 || ageSeconds >= recheckAfter) return undefined;
  const dir = join(dirname(recipe.prefix), (await readFile(marker, 'utf8').catch(() => '')).trim());
  if (dirname(dir) !== dirname(recipe.prefix) || !basename(dir).startsWith(basename(recipe.prefix)) || !(await pathExists(join(dir, 'index.json')))) return undefined;
  return { dir, ageSeconds, checkedAt: info.mtimeMs };
}

/** The largest `shipshape-sizes.json` read: a diff id and a number per layer, a few KiB at most. */
const maxSizesBytes = 1024 * 1024;

const sizesSchema = z.record(z.string(), z.number().int().nonnegative());

/**
 * The uncompressed size of each layer of a cached base, by diff id: an OCI layout does not record them, and the report
 * wants them without a gunzip per build, so `shipshape-sizes.json` beside the layout keeps them. The file is the
 * cache's, not the user's: a missing one (a base cached before it existed) or a damaged one (not JSON, wrong shape, a
 * layer missing) is recomputed from the layers and written again, the damage a warning, never a failed build.
 */
async function baseSizes(dir: string, image: Image, events: EventSink): Promise<Record<string, number>> {
  const path = join(dir, 'shipshape-sizes.json');
  let damage: string | undefined;
  try {
    const sizes = parseJson(await readBoundedText(path, maxSizesBytes, 'a layer sizes file'), sizesSchema, path, 'a layer sizes file');
    const missing = image.layers.find((l) => sizes[l.diffId] === undefined);
    if (missing === undefined) return sizes;
    damage = `${path}: no size for layer ${missing.diffId}`;
  } catch (error) {
    if (!(error instanceof ShipshapeError) || error.code !== 'not-found') damage = error instanceof Error ? error.message : String(error);
  }
  const sizes: Record<string, number> = {};
  for (const layer of image.layers) sizes[layer.diffId] = layer.uncompressedSize ?? (await uncompressedBytes(layer));
  if (damage !== undefined) events({ kind: 'log', level: 'warn', message: `cached base: ${damage}; recomputed the layer sizes` });
  // a cache write: a read-only cache keeps the old file and recomputes next time
  await writeFileAtomic(path, JSON.stringify(sizes)).catch((error: unknown) => {
    events({ kind: 'log', level: 'debug', message: `writing ${path}: ${error instanceof Error ? error.message : String(error)}` });
  });
  return sizes;
}

async function uncompressedBytes(layer: Layer): Promise<number> {
  let n = 0;
  for await (const chunk of await layer.uncompressed()) n += (chunk as Buffer).length;
  return n;
}

/** Assembles the preset base of the archive state whose `releases` named `dir` and stores it there, held by a lease of this build. */
async function assembleBase(preset: PresetName, architecture: string, recipe: BaseRecipe, dir: string, releases: SuiteRelease[], request: BuildRequest, config: Config, events: EventSink): Promise<BaseLease> {
  const { nodeBinary, keepNodeSymbols } = recipe;
  const task = new ProgressTask(events, 'build-base', `assembling the ${preset} base (cached for later builds)`);
  let lease: BaseLease | undefined;
  try {
    const { buildBase } = await import('../base/build.js');
    // the InRelease files the cache key was made from: the packages are those of that archive state
    const result = await buildBase({ preset, architecture, cacheDir: request.cacheDir, events, sources: releases, keepNodeSymbols, ...(nodeBinary === undefined ? {} : { nodeBinary }), ...(request.signal === undefined ? {} : { signal: request.signal }) });
    request.signal?.throwIfAborted();
    const ctx = await createTransportContext(config, events, request.signal);
    try {
      await writeDirAtomic(dir, async (tmp) => {
        await write(`oci:${tmp}:base`, { kind: 'image', image: request.signal === undefined ? result.image : abortable(result.image, request.signal) }, ctx);
        // an OCI layout does not record uncompressed sizes; the report wants them without a gunzip per build
        const sizes = Object.fromEntries(result.image.layers.map((l) => [l.diffId, l.uncompressedSize ?? 0]));
        await writeFile(join(tmp, 'shipshape-sizes.json'), JSON.stringify(sizes));
        // held before the rename: a build of another archive state pruning meanwhile leaves it alone
        lease = await leaseNewBase(tmp, dir);
      }, dir, request.signal);
    } finally {
      await ctx.close();
    }
  } finally {
    task.end();
  }
  if (lease === undefined) throw new ShipshapeError('internal', `no lease on the base stored in ${dir}`);
  return lease;
}

/**
 * Removes, beside the base `dir` a build stores or uses, the entries it replaces and those of recipes unused for
 * longer than `base.keepUnused` (see base-cache.ts). A cache write: a failed prune leaves more bases, never a failed build.
 */
async function pruneBeside(dir: string, recipe: BaseRecipe, config: Config, events: EventSink): Promise<void> {
  try {
    const removed = await pruneBases(dir, recipe.prefix, config.base.keepUnused);
    if (removed.length > 0) events({ kind: 'log', level: 'debug', message: `removed cached bases replaced or unused for over ${config.base.keepUnused} s: ${removed.join(', ')}` });
  } catch (error) {
    events({ kind: 'log', level: 'debug', message: `removing older cached bases beside ${dir}: ${error instanceof Error ? error.message : String(error)}` });
  }
}

/** A preset base, assembled once and kept as an OCI layout in `<cacheDir>/build/bases/<key>`. */
async function presetBase(preset: PresetName, architecture: string, request: BuildRequest, config: Config, events: EventSink): Promise<OpenedBase> {
  const name = `shipshape/base:${preset}`;
  // the recipe stats the Node.js binary: worked out once, every cache path below derives from it
  const recipe = await baseRecipe(preset, architecture, request);
  let dir: string;
  // held from the moment the base is chosen: a build storing another archive state's base does not remove it
  let lease: BaseLease | undefined;
  // when the archive was last asked which base to take (undefined offline: it is not asked)
  let checkedAt: number | undefined;
  const fresh = config.offline ? undefined : await recentlyCheckedBase(recipe, config.base.recheckAfter);
  if (config.offline) {
    // no InRelease to learn the archive's state from: the base cached last is what there is
    const newest = await newestCachedBase(recipe);
    if (newest === undefined) throw invalidInput('configuration', `offline: true, and no ${preset} base for ${architecture} is cached (the Debian archive is needed to assemble one): build once online, or pass --base IMAGE`);
    events({ kind: 'log', level: 'info', message: `offline: the ${preset} base cached on ${newest.time.toISOString()}, without checking the archive for newer packages` });
    dir = newest.dir;
    // another process removing it meanwhile is no case to build for
    lease = await leaseCachedBase(dir);
    if (lease === undefined) throw notFound(dir, 'the cached base is gone');
  } else if (fresh !== undefined && (lease = await leaseCachedBase(fresh.dir)) !== undefined) {
    // checked against the archive less than base.recheckAfter ago: no InRelease fetch on every build
    events({ kind: 'log', level: 'debug', message: `the ${preset} base checked against the archive ${fresh.ageSeconds} s ago (base.recheckAfter ${config.base.recheckAfter} s)` });
    dir = fresh.dir;
    checkedAt = fresh.checkedAt;
  } else {
    // the archive code (OpenPGP) is loaded here, not at start-up: a build on another base never needs it
    const { archiveState, releaseChecks } = await import('../base/archive.js');
    const { aptSourcesOrDefault } = await import('../base/apt-sources.js');
    const state = await archiveState(await aptSourcesOrDefault(request.etcApt), { architecture, cacheDir: join(request.cacheDir, 'base'), events, ...releaseChecks(config.base), ...(request.signal === undefined ? {} : { signal: request.signal }) });
    checkedAt = Date.now();
    dir = recipeEntry(recipe, state.digest);
    lease = (await leaseCachedBase(dir)) ?? (await assembleBase(preset, architecture, recipe, dir, state.releases, request, config, events));
    // the archive was asked just now and named this base: builds within base.recheckAfter take it without asking
    const marker = checkedMarker(recipe);
    await writeFileAtomic(marker, `${basename(dir)}\n`).catch((error: unknown) => {
      events({ kind: 'log', level: 'debug', message: `writing ${marker}: ${error instanceof Error ? error.message : String(error)}` });
    });
  }
  // offline, nothing is removed: a base of another recipe or state could not be assembled again without the archive
  if (!config.offline) await pruneBeside(dir, recipe, config, events);
  const held = lease;
  const ctx = await createTransportContext(config, events);
  const close = async (): Promise<void> => {
    await ctx.close();
    await held.release();
  };
  try {
    const artifact = await open(`oci:${dir}:base`, ctx);
    if (artifact.kind !== 'image') throw new ShipshapeError('internal', `cached base ${dir} is an index`);
    const sizes = await baseSizes(dir, artifact.image, events);
    return { image: artifact.image, name, sizes, close, ...(checkedAt === undefined ? {} : { checkedAt }) };
  } catch (error) {
    await close();
    throw error;
  }
}

async function detectedPort(dir: string, events: EventSink): Promise<number[]> {
  try {
    // loaded here, not at start-up: `--port` builds never need the detectors
    const { discoverApps } = await import('../generate/index.js');
    const apps = await discoverApps(dir);
    const app = apps.find((a) => a.ecosystem === 'node' && a.path === '.');
    return app?.port === undefined ? [] : [app.port];
  } catch (error) {
    events({ kind: 'log', level: 'debug', message: `port detection: ${error instanceof Error ? error.message : String(error)}` });
    return [];
  }
}

function report(result: BuildResult, written: { name: string; blobs?: { how: string }[] }, base: { name: string; digest: Digest; sizes: Record<string, number> }, timings: Record<string, number>): BuildReport {
  const layers: BuildLayerReport[] = result.layers.map((l) => ({
    role: l.role,
    digest: l.layer.descriptor.digest,
    size: l.layer.descriptor.size,
    uncompressedSize: l.layer.uncompressedSize ?? base.sizes[l.layer.diffId],
    ...(l.files === undefined ? {} : { files: l.files }),
    ...(l.cached === undefined ? {} : { cached: l.cached }),
  }));
  const blobs = written.blobs;
  return {
    destination: written.name,
    digest: result.image.digest,
    base: { name: base.name, digest: base.digest },
    entrypoint: result.entrypoint,
    layers,
    uncompressedSize: layers.reduce((n, l) => n + (l.uncompressedSize ?? 0), 0),
    compressedSize: layers.reduce((n, l) => n + l.size, 0),
    created: result.image.config.created ?? '',
    timings,
    ...(blobs === undefined
      ? {}
      : {
          push: {
            existing: blobs.filter((b) => b.how === 'existing').length,
            uploaded: blobs.filter((b) => b.how === 'uploaded').length,
            mounted: blobs.filter((b) => b.how === 'mounted').length,
          },
        }),
  };
}

interface OpenedBase extends OpenedImage {
  name: string;
  sizes: Record<string, number>;
  /**
   * When the source was last asked which base to take (ms since the epoch), for a resident build to ask again: the
   * archive for a preset, the image's source for a `base` named by tag. Undefined: never asked again (offline, pinned).
   */
  checkedAt?: number;
  /** A `base` named by tag: the digest its source's index gave when last asked (`resolve`), if it was. */
  resolved?: Digest;
}

/**
 * What a resident build (`watchBuild`) keeps between rebuilds: the opened base and one transport context (its
 * registry connections and tokens), so a rebuild pays for neither again. `build` makes a fresh one each time.
 */
export interface BuildSession {
  base?: OpenedBase;
  /** The workspace the project is a member of (`value` undefined: none), looked up once per session (~1–2 ms). */
  workspace?: { value: FoundWorkspace | undefined };
  git?: GitCache;
  ctx?: TransportContext & { close(): Promise<void> };
}

async function openBase(request: BuildRequest, needs: BinaryNeeds | undefined, config: Config, events: EventSink): Promise<OpenedBase> {
  if (request.base !== undefined) {
    const checkedAt = Date.now();
    const opened = await openImage(request.base, { config, events, ...(request.platform === undefined ? {} : { platform: request.platform }), ...(request.signal === undefined ? {} : { signal: request.signal }) });
    // a digest names the same image forever: a resident build never asks its source again
    return { ...opened, name: request.base, sizes: {}, ...(pinnedByDigest(request.base) ? {} : { checkedAt }) };
  }
  return presetBase(needs?.preset ?? 'nodejs', needs?.architecture ?? 'amd64', request, config, events);
}

/**
 * The preset base `request` gets now, in place of `held` (closed once the other is open). An archive that cannot
 * be asked (unreachable, a failed check) leaves the session on `held` with a warning, and the next build asks again.
 */
async function recheckedBase(held: OpenedBase, request: BuildRequest, needs: BinaryNeeds | undefined, config: Config, events: EventSink): Promise<OpenedBase> {
  let next: OpenedBase;
  try {
    next = await openBase(request, needs, config, events);
  } catch (error) {
    if (request.signal?.aborted === true) throw error;
    events({ kind: 'log', level: 'warn', message: `checking the base against the archive again: ${error instanceof Error ? error.message : String(error)}; building on the base checked before` });
    return held;
  }
  await held.close();
  return next;
}

/** Does `name` name its image by digest (`REF@sha256:…`, an engine's image ID), which no tag push or load moves? */
function pinnedByDigest(name: string): boolean {
  const { transport, rest } = parseImageName(name);
  if (transport !== undefined && transport !== 'docker' && transport !== 'docker-daemon') return false;
  if (transport === 'docker-daemon' && /^sha256:[0-9a-f]{64}$/.test(rest)) return true;
  try {
    return parseReference(rest).digest !== undefined;
  } catch {
    return false;
  }
}

/**
 * The `base` `request` names now, in place of `held`: its source's index is asked for the digest the name resolves
 * to (a registry's manifest HEAD, a layout's index.json, the engine's inspect — no layers), and only when that moved,
 * or the transport cannot tell without opening (an archive file), is the image opened again; `held` is closed once a
 * moved base is open. A source that cannot be asked leaves the session on `held` with a warning, and the next build
 * asks again, as for a preset.
 */
async function movedBase(held: OpenedBase, request: BuildRequest, name: string, ctx: TransportContext, needs: BinaryNeeds | undefined, config: Config, events: EventSink): Promise<OpenedBase> {
  const checkedAt = Date.now();
  let next: OpenedBase;
  let now: Digest | undefined;
  try {
    now = await resolve(name, ctx);
    // before its first check, the name resolves to what was opened: a layout's or registry's manifest digest, or the
    // engine's image ID (the config's digest); an index's digest is neither, so such a base is opened once more
    const known = held.resolved === undefined ? [held.image.digest, held.image.manifest.config.digest] : [held.resolved];
    if (now !== undefined && known.includes(now)) return { ...held, checkedAt, resolved: now };
    next = await openBase(request, needs, config, events);
  } catch (error) {
    if (request.signal?.aborted === true) throw error;
    events({ kind: 'log', level: 'warn', message: `checking the base ${name} again: ${error instanceof Error ? error.message : String(error)}; building on the base opened before` });
    return held;
  }
  const resolved = now === undefined ? {} : { resolved: now };
  if (next.image.digest === held.image.digest) {
    await next.close();
    return { ...held, checkedAt, ...resolved };
  }
  events({ kind: 'log', level: 'info', message: `the base ${name} moved: ${held.image.digest} → ${next.image.digest}` });
  await held.close();
  return { ...next, ...resolved };
}

/** Builds the image of the project in `request.dir` and writes it to `request.outputImage`. */
export async function build(request: BuildRequest): Promise<BuildReport> {
  const session: BuildSession = {};
  try {
    return await buildIn(session, request);
  } finally {
    await session.ctx?.close();
    await session.base?.close();
  }
}

/** `build` reusing (and filling) `session`; the caller closes what the session holds. */
export async function buildIn(session: BuildSession, request: BuildRequest): Promise<BuildReport> {
  const started = performance.now();
  const events = request.events ?? silent;
  const config = request.config ?? defaultConfig();
  const signal = request.signal;
  signal?.throwIfAborted();
  // a bad destination fails before any work
  sinkFor(request.outputImage);
  if (request.sourceDateEpoch !== undefined && (!Number.isSafeInteger(request.sourceDateEpoch) || request.sourceDateEpoch < 0)) {
    throw invalidInput('SOURCE_DATE_EPOCH', `"${request.sourceDateEpoch}" is not a non-negative integer of seconds`);
  }
  const env = parseEnv(request.env ?? []);
  const dir = resolvePath(request.dir ?? '.');
  const binary = request.binary === undefined ? undefined : resolvePath(request.binary);
  const needs = binary === undefined ? undefined : binaryNeeds(binary);
  let project;
  if (binary === undefined) {
    if (session.workspace === undefined) {
      const found = await findWorkspace(dir);
      session.workspace = { value: found };
      // as init says it: a member the capped search missed has no package.json in the install, which npm may refuse
      if (found?.capped === true) {
        events({ kind: 'log', level: 'warn', message: `${join(found.root, found.file)}: the search for workspace members stopped after ${maxMemberEntries} folder entries; members in the folders left unread are not listed, and their package.json is not copied for the install` });
      }
    }
    project = await readProject(dir, session.workspace.value);
  }

  const timings: Record<string, number> = {};
  // the port detection reads the project's sources: it runs while the base opens and the app is traced
  const ports = request.ports ?? (project === undefined ? [] : detectedPort(dir, events));
  let t = performance.now();
  if (session.base?.checkedAt !== undefined && Date.now() - session.base.checkedAt >= config.base.recheckAfter * 1000) {
    // a resident build (--watch) asks the archive, or the source of a base named by tag, again after
    // base.recheckAfter, as a separate build would
    if (request.base === undefined) session.base = await recheckedBase(session.base, request, needs, config, events);
    else {
      session.ctx ??= await createTransportContext(config, events, signal);
      session.base = await movedBase(session.base, request, request.base, session.ctx, needs, config, events);
    }
  }
  session.base ??= await openBase(request, needs, config, events);
  const base = session.base;
  timings.base = Math.round(performance.now() - t);
  signal?.throwIfAborted();
  const common = {
    base: base.image,
    baseName: base.name,
    env,
    ports,
    labels: request.labels ?? {},
    cacheDir: join(request.cacheDir, 'build'),
    events,
    ...(request.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: request.sourceDateEpoch }),
  };
  let result: BuildResult;
  if (project === undefined) result = await buildBinaryImage({ ...common, ports: await ports, binary: binary ?? '' });
  else {
    result = await buildNodeApp({
      ...common,
      project,
      gitCache: (session.git ??= {}),
      trace: request.trace ?? true,
      ...(request.entry === undefined ? {} : { entry: request.entry }),
      ...(request.npm === undefined ? {} : { npm: request.npm }),
      ...(signal === undefined ? {} : { signal }),
    });
  }
  Object.assign(timings, result.timings);
  signal?.throwIfAborted();
  t = performance.now();
  const task = new ProgressTask(events, 'build-write', `writing ${request.outputImage}`);
  let written;
  try {
    session.ctx ??= await createTransportContext(config, events, signal);
    // an interrupt mid-write cuts the layer streams: the sink undoes what it wrote, as after any failed write
    written = await write(request.outputImage, { kind: 'image', image: signal === undefined ? result.image : abortable(result.image, signal) }, session.ctx);
  } finally {
    task.end();
  }
  timings.write = Math.round(performance.now() - t);
  timings.total = Math.round(performance.now() - started);
  const built = report(result, written, { name: base.name, digest: base.image.digest, sizes: base.sizes }, timings);
  return needs === undefined ? built : { ...built, binary: needs };
}
