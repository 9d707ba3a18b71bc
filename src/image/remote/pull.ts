/**
 * Registries as a source: `remote.artifact(ref)` / `remote.image(ref)` give the image model through the generic
 * `BlobStore` builder, so parsing and verification are shared with every other content-addressed source.
 * Blobs are downloaded into the cache directory (`<cache>/blobs/<alg>/<hex>`), resumed with HTTP Range when a
 * connection breaks (or a previous run was interrupted), and verified before they are renamed into place.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open as openFile, rename, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { externalFailure, invalidInput, notFound, ShipshapeError } from '../../internal/errors.js';
import { type EventSink, ProgressTask, silent } from '../../internal/events.js';
import { acquireFileLock } from '../../internal/file-lock.js';
import { newHash } from '../blob.js';
import { artifactFromBlobs, type BlobStore, manifestKind } from '../from-blobs.js';
import { isIndexMediaType, isManifestMediaType } from '../media-types.js';
import { platformMatches as matchesPlatform, selectPlatform as pickPlatform } from '../mutate/platform.js';
import { identifier, type Reference } from '../reference.js';
import type { Artifact, Descriptor, Digest, Image, ImageIndex, Platform } from '../types.js';
import { type ClientOptions, RegistryClient } from './client.js';
import { header, isRetryableError, networkErrorCode } from './transport.js';

export interface PullOptions extends ClientOptions {
  /** Where blobs are cached (the CLI passes the configured cache directory). */
  cacheDir?: string;
  /** Registries tried, in order, before Docker Hub for `docker.io` references (`mirror.example.com` or a URL). */
  mirrors?: readonly string[];
  /** Reuse clients (and their tokens) across calls. */
  clients?: ClientPool;
}

/** Where a remote artifact came from: push uses it to mount blobs instead of uploading them. */
export interface RemoteOrigin {
  domain: string;
  repo: string;
}

const origins = new WeakMap<object, RemoteOrigin>();

/** The registry repository an image or index was read from, when it was read by this module. */
export function remoteOrigin(artifact: Image | ImageIndex): RemoteOrigin | undefined {
  return origins.get(artifact);
}

/** Shares clients (connections, tokens, pings) between the calls of one operation. */
export class ClientPool {
  private readonly clients = new Map<string, RegistryClient>();
  constructor(private readonly options: ClientOptions = {}) {}
  get(domain: string): RegistryClient {
    let c = this.clients.get(domain);
    if (!c) {
      c = new RegistryClient(domain, this.options);
      this.clients.set(domain, c);
    }
    return c;
  }
}

export function defaultCacheDir(): string {
  return process.env.SHIPSHAPE_CACHE_DIR ?? join(tmpdir(), 'shipshape-cache');
}

/** A mirror entry (`host`, `host:port` or `https://host/`) → its host. */
function mirrorHost(entry: string): string {
  try {
    return entry.includes('://') ? new URL(entry).host : entry.replace(/\/.*$/, '');
  } catch {
    throw invalidInput(`registry mirror "${entry}"`, 'not a host or URL');
  }
}

/** Content-addressed blobs of one repository, cached on disk and verified on the way in. */
export class RemoteBlobStore implements BlobStore {
  readonly name: string;
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    readonly client: RegistryClient,
    readonly repo: string,
    private readonly cacheDir: string,
    private readonly events: EventSink = silent,
  ) {
    this.name = `docker://${client.domain}/${repo}`;
  }

  async open(descriptor: Descriptor): Promise<Readable> {
    // Child manifests of an index live under /manifests/, not /blobs/ (distribution-spec "Pulling manifests").
    if (isIndexMediaType(descriptor.mediaType) || isManifestMediaType(descriptor.mediaType)) {
      const fetched = await this.client.manifest(this.repo, descriptor.digest);
      return Readable.from([fetched.raw]);
    }
    return createReadStream(await this.fetch(descriptor), { highWaterMark: 1024 * 1024 });
  }

  /** Makes sure a blob is in the cache (downloading it once even when asked concurrently); returns its path. */
  fetch(descriptor: Descriptor): Promise<string> {
    let p = this.inflight.get(descriptor.digest);
    if (!p) {
      p = this.download(descriptor);
      this.inflight.set(descriptor.digest, p);
      p.catch(() => this.inflight.delete(descriptor.digest));
    }
    return p;
  }

  private async download(d: Descriptor): Promise<string> {
    const subject = `blob ${d.digest} from ${this.client.subject}`;
    const colon = d.digest.indexOf(':');
    const dir = join(this.cacheDir, 'blobs', d.digest.slice(0, colon));
    const final = join(dir, d.digest.slice(colon + 1));
    const existing = await stat(final).catch(() => undefined);
    // Only verified blobs are ever renamed to their digest, so a present file of the right size is trusted here;
    // readers verify again as they stream.
    if (existing?.size === d.size) return final;
    await mkdir(dir, { recursive: true });
    // Another process may be downloading the same blob into this cache: one writer per .partial file.
    const lock = await acquireFileLock(`${final}.lock`, {
      onWait: (owner) => {
        this.events({ kind: 'log', level: 'debug', message: `${subject}: waiting for ${owner ? `process ${String(owner.pid)}` : 'another process'} downloading it` });
      },
    });
    try {
      if ((await stat(final).catch(() => undefined))?.size === d.size) return final;
      return await this.downloadLocked(d, final, subject);
    } finally {
      await lock.release();
    }
  }

  private async downloadLocked(d: Descriptor, final: string, subject: string): Promise<string> {
    const colon = d.digest.indexOf(':');
    const partial = `${final}.partial`;
    let offset = (await stat(partial).catch(() => undefined))?.size ?? 0;
    if (offset > d.size) {
      await truncate(partial, 0);
      offset = 0;
    }
    let hash = newHash(d.digest);
    if (offset > 0) {
      // Resume an interrupted earlier download: hash what is already there.
      for await (const chunk of createReadStream(partial, { end: offset - 1 }) as AsyncIterable<Buffer>) hash.update(chunk);
    }
    const task = new ProgressTask(this.events, d.digest, `pull ${d.digest.slice(colon + 1, colon + 13)}`, d.size);
    if (offset > 0) task.advance(offset);
    const transport = this.client.transport;
    let attempt = 0;
    // A break opens a window of registry.deadline in which the resumes must get bytes flowing again: their
    // requests (retries and waits included), the waits before them and a resumed body's silence before its first
    // byte. Bytes arriving close it; a later break opens another, so a large blob that keeps moving is never cut.
    let resumeBy: number | undefined;
    const progress = (): string => `at ${offset} of ${d.size} bytes`;
    const notResumed = (cause?: unknown): ShipshapeError =>
      externalFailure(transport.subject, `fetching blob ${d.digest} of ${this.repo}: timed out: not resumed within ${transport.deadline} s after ${attempt + 1} attempts ${progress()}`, cause);
    try {
      for (;;) {
        let windowTimer: NodeJS.Timeout | undefined;
        // set by the timer, read after the body ends or breaks
        const resumeWindow = { ended: false };
        try {
          let res;
          try {
            res = await this.client.blob(this.repo, d.digest, offset, resumeBy);
          } catch (error) {
            // the request's own line, with how far the download had got once bytes had arrived or a break was met
            if (error instanceof ShipshapeError && error.code === 'external' && (attempt > 0 || offset > 0)) throw withProgress(error, progress());
            throw error;
          }
          if (offset > 0 && (res.statusCode !== 206 || !(header(res.headers, 'content-range') ?? '').startsWith(`bytes ${offset}-`))) {
            // The server (or blob storage) ignored the Range: start over.
            await truncate(partial, 0);
            offset = 0;
            hash = newHash(d.digest);
            if (res.statusCode !== 200) {
              res.body.destroy();
              continue;
            }
          }
          if (resumeBy !== undefined) {
            const body = res.body;
            windowTimer = setTimeout(() => {
              resumeWindow.ended = true;
              body.destroy(new Error('not resumed within the deadline'));
            }, Math.max(0, resumeBy - Date.now()));
          }
          await this.receive(res.body, partial, offset > 0, (chunk) => {
            if (resumeBy !== undefined) {
              clearTimeout(windowTimer);
              resumeBy = undefined;
            }
            offset += chunk.length;
            if (offset > d.size) throw invalidInput(subject, `more bytes than the ${d.size} its descriptor declares`);
            hash.update(chunk);
            task.advance(chunk.length);
          });
          if (offset === d.size) break;
          if (resumeWindow.ended) throw notResumed();
          // The body ended early without an error (a proxy or server cut it cleanly): resume from here.
          if (attempt >= transport.retries) throw externalFailure(transport.subject, `fetching blob ${d.digest}: truncated at ${offset} of ${d.size} bytes after ${attempt + 1} attempts`);
        } catch (error) {
          if (error instanceof ShipshapeError) throw error;
          // a resumed body still silent when the window closed
          if (resumeWindow.ended) throw notResumed(error);
          if (!(isRetryableError(error) || networkErrorCode(error) === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') || attempt >= transport.retries) {
            throw externalFailure(transport.subject, `fetching blob ${d.digest}: ${transport.describeFailure(error)} ${progress()}`, error);
          }
          // The connection broke mid-blob: keep what arrived (it is already hashed and on disk) and ask for the rest.
          offset = (await stat(partial).catch(() => undefined))?.size ?? 0;
          hash = await rehash(partial, offset, d.digest);
        } finally {
          clearTimeout(windowTimer);
        }
        attempt++;
        resumeBy ??= Date.now() + transport.deadline * 1000;
        if (!(await transport.backoffWithin(attempt, resumeBy))) throw notResumed();
        transport.events({ kind: 'log', level: 'debug', message: `${subject}: resuming at byte ${offset}` });
      }
      const actual = `${d.digest.slice(0, colon)}:${hash.digest('hex')}`;
      if (actual !== d.digest) throw invalidInput(subject, `digest mismatch: content is ${actual}`);
      await rename(partial, final);
      return final;
    } catch (error) {
      // Corrupt content is never kept; a broken connection leaves the partial file to resume from next time.
      if (error instanceof ShipshapeError && error.code === 'invalid-input') await rm(partial, { force: true });
      throw error;
    } finally {
      task.end();
    }
  }
  /**
   * Writes a blob body to `partial`, in writes of up to 1 MiB. Every byte that arrived is on disk before this
   * returns or throws (a cut connection leaves exactly what was received, so the next attempt resumes with Range).
   */
  private async receive(body: AsyncIterable<Buffer>, partial: string, append: boolean, onChunk: (chunk: Buffer) => void): Promise<void> {
    const fh = await openFile(partial, append ? 'a' : 'w');
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await fh.write(data);
    };
    try {
      for await (const chunk of body) {
        onChunk(chunk);
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= 1024 * 1024) await flush();
      }
    } finally {
      try {
        await flush();
      } finally {
        await fh.close();
      }
    }
  }
}

/** A transport's one-line error with how far a blob download had got (`… after 4 attempts at 150000 of 400000 bytes`). */
function withProgress(error: ShipshapeError, progress: string): ShipshapeError {
  const message = error.subject === undefined ? error.message : error.message.slice(error.subject.length + 2);
  return new ShipshapeError(error.code, `${message} ${progress}`, { ...(error.subject === undefined ? {} : { subject: error.subject }), cause: error });
}

/** Re-hashes the first `length` bytes of a partial download (after a write that may not have completed). */
async function rehash(path: string, length: number, digest: Digest): Promise<ReturnType<typeof newHash>> {
  const hash = newHash(digest);
  if (length === 0) return hash;
  const fh = await openFile(path, 'r');
  try {
    for await (const chunk of fh.createReadStream({ start: 0, end: length - 1, autoClose: false }) as AsyncIterable<Buffer>) hash.update(chunk);
  } finally {
    await fh.close();
  }
  return hash;
}

/** The platform of this machine in OCI terms (`linux/amd64`, `linux/arm64`). */
export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}

/** `os/arch[/variant]` → Platform. */
export function parsePlatform(value: string): Platform {
  const parts = value.split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
    throw invalidInput(`platform "${value}"`, 'expected os/arch or os/arch/variant (e.g. linux/amd64, linux/arm/v7)');
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/**
 * Whether a descriptor's platform satisfies the wanted one, as `copy` and `inspect` match it (containerd's rules:
 * `linux/arm64/v8` is the `linux/arm64` an index lists without a variant, `linux/arm` means arm/v7, `x86_64` is
 * `amd64`), so that `digest --platform` names the image they pick.
 */
export function platformMatches(have: Platform | undefined, want: Platform): boolean {
  return have !== undefined && matchesPlatform(want, have);
}

export interface FetchedArtifact {
  artifact: Artifact;
  /** The digest of the top-level manifest (index or image). */
  digest: Digest;
  store: RemoteBlobStore;
}

/**
 * Runs `read` against the sources of a reference: for `docker.io`, each configured mirror in order, then Docker
 * Hub (as dockerd's registry-mirrors); otherwise the reference's own registry. A mirror that fails falls back to
 * the next source; bad content does not, as it is bad wherever it came from.
 */
async function fromSources<T>(ref: Reference, options: PullOptions, read: (domain: string) => Promise<T>): Promise<T> {
  const domains = ref.domain === 'docker.io' ? [...(options.mirrors ?? []).map(mirrorHost), ref.domain] : [ref.domain];
  let lastError: unknown;
  for (const domain of domains) {
    try {
      return await read(domain);
    } catch (error) {
      lastError = error;
      if (error instanceof ShipshapeError && error.code === 'invalid-input') throw error;
      if (domain !== domains[domains.length - 1]) {
        const why = error instanceof Error ? error.message : String(error);
        options.events?.({ kind: 'log', level: 'info', message: `mirror ${domain} failed (${why}), trying the next source` });
      }
    }
  }
  throw lastError;
}

/** Reads what a reference names in its registry: an image, or an index of several. Layers are not downloaded. */
export async function artifact(ref: Reference, options: PullOptions = {}): Promise<FetchedArtifact> {
  const pool = options.clients ?? new ClientPool(options);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  return fromSources(ref, options, async (domain) => {
    const client = pool.get(domain);
    const fetched = await client.manifest(ref.path, identifier(ref));
    const store = new RemoteBlobStore(client, ref.path, cacheDir, options.events);
    const art = await artifactFromBlobs(store, fetched.raw, fetched.mediaType);
    origins.set(art.kind === 'image' ? art.image : art.index, { domain, repo: ref.path });
    return { artifact: art, digest: fetched.digest, store };
  });
}

/** Picks the image that best serves `platform` from an index (nested indexes included), as `copy` and `inspect` do. */
export async function selectPlatform(index: ImageIndex, platform: Platform, name: string): Promise<Image> {
  const img = await pickPlatform(index, platform, name);
  const origin = origins.get(index);
  // a nested index and its images live in the same repository as the top one
  if (origin) origins.set(img, origin);
  return img;
}

/** Reads one image: a manifest directly, or the `platform` entry (default: this machine's) of an index. */
export async function image(ref: Reference, options: PullOptions & { platform?: Platform } = {}): Promise<Image> {
  const { artifact: art } = await artifact(ref, options);
  if (art.kind === 'image') return art.image;
  return selectPlatform(art.index, options.platform ?? hostPlatform(), `docker://${ref.name}:${identifier(ref)}`);
}

/** Downloads every blob of an image into the cache (verified), `jobs` at a time. Returns the bytes fetched. */
export async function fetchLayers(img: Image, store: BlobStore & { fetch?: (d: Descriptor) => Promise<string> }, jobs = 3): Promise<number> {
  const queue = [...img.layers.map((l) => l.descriptor)];
  let bytes = 0;
  const fetch = store.fetch?.bind(store);
  const worker = async (): Promise<void> => {
    for (let d = queue.shift(); d !== undefined; d = queue.shift()) {
      if (fetch) await fetch(d);
      else for await (const _ of await store.open(d)) { /* drain */ }
      bytes += d.size;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return bytes;
}

/** Resolves a reference to the digest of what it names, without fetching bodies when the registry says (HEAD). */
export async function resolveDigest(ref: Reference, options: PullOptions & { /** Ask the registry for a digest reference too (`crane digest` does): it must hold the manifest. */ check?: boolean } = {}): Promise<{ digest: Digest; mediaType: string | undefined }> {
  if (ref.digest !== undefined && options.check !== true) return { digest: ref.digest, mediaType: undefined };
  const pool = options.clients ?? new ClientPool(options);
  return fromSources(ref, options, async (domain) => {
    const client = pool.get(domain);
    const head = await client.headManifest(ref.path, identifier(ref));
    if (!head) throw notFound(ref.digest === undefined ? `docker://${ref.name}:${identifier(ref)}` : `docker://${ref.name}@${ref.digest}`, ref.digest === undefined ? 'no such tag in the registry' : 'no such manifest in the registry');
    // a manifest asked for by digest is that digest, whatever a registry's header claims
    if (ref.digest !== undefined) return { digest: ref.digest, mediaType: head.mediaType };
    if (/^sha256:[0-9a-f]{64}$/.test(head.digest)) return { digest: head.digest, mediaType: head.mediaType };
    // No Docker-Content-Digest on HEAD: hash the manifest itself.
    const fetched = await client.manifest(ref.path, identifier(ref));
    return { digest: fetched.digest, mediaType: manifestKind(fetched.raw, fetched.mediaType, `manifest ${ref.name}`).mediaType };
  });
}
