/**
 * The generic builder behind every source that stores content-addressed blobs (OCI layouts, Docker 25+ archives,
 * registries): give it the manifest bytes and a way to open a blob, get a verified `Image` or `ImageIndex`.
 * Like syft's generic cataloger, it keeps each source down to "how do I open a blob".
 */
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { invalidInput } from '../internal/errors.js';
import { decompressVerified, sha256, verified } from './blob.js';
import { isIndexMediaType, isManifestMediaType, layerCompression, mediaTypes } from './media-types.js';
import { configSchema, indexSchema, manifestSchema } from './schemas.js';
import { parseJson } from '../internal/parse-json.js';
import type { Artifact, Descriptor, Digest, Image, ImageConfig, ImageIndex, IndexManifest, Layer, Manifest } from './types.js';

/** Configs and manifests are small; anything bigger than this is refused rather than read into memory. */
export const maxManifestBytes = 4 * 1024 * 1024;
export const maxConfigBytes = 8 * 1024 * 1024;

export interface BlobStore {
  /** Names the source in messages: `oci:./layout`, `docker://localhost:5000/app`. */
  readonly name: string;
  /** Opens a blob's raw bytes (unverified: callers verify). Throws `not-found` when it is missing. */
  open(descriptor: Descriptor): Promise<Readable>;
}

/** Reads a small blob fully, verified against its descriptor, refusing anything over `limit` bytes. */
export async function readSmallBlob(store: BlobStore, descriptor: Descriptor, what: string, limit: number): Promise<Buffer> {
  const subject = `${what} ${descriptor.digest} in ${store.name}`;
  if (descriptor.size > limit) throw invalidInput(subject, `declares ${descriptor.size} bytes, over the ${limit}-byte limit`);
  return buffer(verified(await store.open(descriptor), { digest: descriptor.digest, size: descriptor.size, subject }));
}

/** Detects the manifest kind from its declared media type, else from its shape (OCI allows omitting mediaType). */
export function manifestKind(raw: Buffer, declared: string | undefined, subject: string): { kind: 'image' | 'index'; mediaType: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw invalidInput(subject, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const body = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { mediaType?: unknown; manifests?: unknown; config?: unknown };
  const inner = typeof body.mediaType === 'string' ? body.mediaType : undefined;
  const mediaType = inner ?? declared ?? (Array.isArray(body.manifests) ? mediaTypes.ociIndex : mediaTypes.ociManifest);
  if (isIndexMediaType(mediaType)) return { kind: 'index', mediaType };
  if (isManifestMediaType(mediaType)) return { kind: 'image', mediaType };
  throw invalidInput(subject, `unsupported manifest media type "${mediaType}"`);
}

class BlobLayer implements Layer {
  constructor(
    private readonly store: BlobStore,
    readonly descriptor: Descriptor,
    readonly diffId: Digest,
    readonly uncompressedSize: number | undefined,
  ) {}

  private subject(): string {
    return `layer ${this.descriptor.digest} in ${this.store.name}`;
  }

  async compressed(): Promise<Readable> {
    return verified(await this.store.open(this.descriptor), { digest: this.descriptor.digest, size: this.descriptor.size, subject: this.subject() });
  }

  async uncompressed(): Promise<Readable> {
    const compression = layerCompression(this.descriptor.mediaType);
    if (compression === undefined) throw invalidInput(this.subject(), `unknown layer media type "${this.descriptor.mediaType}"`);
    const raw = await this.compressed();
    if (compression === 'none') return raw;
    return decompressVerified(raw, compression, this.subject(), { digest: this.diffId, subject: `${this.subject()} (uncompressed)` });
  }
}

export interface ImageFromBlobsOptions {
  /** Known uncompressed sizes by diffID (docker archives know them). */
  uncompressedSizes?: ReadonlyMap<Digest, number>;
}

/** Builds an image from verified manifest bytes. The config is read and verified here; layers are opened lazily. */
export async function imageFromBlobs(store: BlobStore, rawManifest: Buffer, declaredMediaType?: string, options: ImageFromBlobsOptions = {}): Promise<Image> {
  const digest = sha256(rawManifest);
  const subject = `manifest ${digest} in ${store.name}`;
  const { kind, mediaType } = manifestKind(rawManifest, declaredMediaType, subject);
  if (kind !== 'image') throw invalidInput(subject, `is an index (${mediaType}), not an image manifest`);
  const manifest = parseJson(rawManifest, manifestSchema, subject, 'an image manifest') as Manifest;
  const rawConfig = await readSmallBlob(store, manifest.config, 'config', maxConfigBytes);
  const config = parseJson(rawConfig, configSchema, `config ${manifest.config.digest} in ${store.name}`, 'an image config') as ImageConfig;
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw invalidInput(subject, `has ${manifest.layers.length} layers but its config lists ${diffIds.length} diff_ids`);
  }
  const layers = manifest.layers.map((descriptor, i) => {
    const diffId = diffIds[i] as Digest;
    if (layerCompression(descriptor.mediaType) === 'none' && descriptor.digest !== diffId) {
      throw invalidInput(subject, `uncompressed layer ${i} has digest ${descriptor.digest} but diff_id ${diffId}`);
    }
    return new BlobLayer(store, descriptor, diffId, layerCompression(descriptor.mediaType) === 'none' ? descriptor.size : options.uncompressedSizes?.get(diffId));
  });
  return { mediaType, rawManifest, manifest, digest, rawConfig, config, layers };
}

class BlobIndex implements ImageIndex {
  constructor(
    private readonly store: BlobStore,
    readonly mediaType: string,
    readonly rawManifest: Buffer,
    readonly manifest: IndexManifest,
    readonly digest: Digest,
  ) {}

  private child(digest: Digest): Descriptor {
    const d = this.manifest.manifests.find((m) => m.digest === digest);
    if (!d) throw invalidInput(`index ${this.digest} in ${this.store.name}`, `has no manifest ${digest}`);
    return d;
  }

  async image(digest: Digest): Promise<Image> {
    const d = this.child(digest);
    return imageFromBlobs(this.store, await readSmallBlob(this.store, d, 'manifest', maxManifestBytes), d.mediaType);
  }

  async index(digest: Digest): Promise<ImageIndex> {
    const d = this.child(digest);
    return indexFromBlobs(this.store, await readSmallBlob(this.store, d, 'index', maxManifestBytes), d.mediaType);
  }
}

export function indexFromBlobs(store: BlobStore, rawManifest: Buffer, declaredMediaType?: string): ImageIndex {
  const digest = sha256(rawManifest);
  const subject = `index ${digest} in ${store.name}`;
  const { kind, mediaType } = manifestKind(rawManifest, declaredMediaType, subject);
  if (kind !== 'index') throw invalidInput(subject, `is an image manifest (${mediaType}), not an index`);
  const manifest = parseJson(rawManifest, indexSchema, subject, 'an image index') as IndexManifest;
  return new BlobIndex(store, mediaType, rawManifest, manifest, digest);
}

/** Either kind, from manifest bytes. */
export async function artifactFromBlobs(store: BlobStore, rawManifest: Buffer, declaredMediaType?: string): Promise<Artifact> {
  const { kind } = manifestKind(rawManifest, declaredMediaType, `manifest ${sha256(rawManifest)} in ${store.name}`);
  return kind === 'index'
    ? { kind: 'index', index: indexFromBlobs(store, rawManifest, declaredMediaType) }
    : { kind: 'image', image: await imageFromBlobs(store, rawManifest, declaredMediaType) };
}
