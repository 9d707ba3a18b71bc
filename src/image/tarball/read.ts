/**
 * Reads `docker save` archives without extracting them: the legacy layout (manifest.json, repositories,
 * `<id>/layer.tar`, `<id>.json`) and the OCI layout Docker 25+ writes inside the archive (index.json, oci-layout,
 * blobs/sha256/…, plus a manifest.json whose paths may be symlinks into blobs/). Links are resolved inside the
 * archive only.
 *
 * Legacy layers have no manifest: as skopeo does, an uncompressed layer.tar becomes an
 * `application/vnd.docker.image.rootfs.diff.tar` layer whose digest is its diffID; a compressed one (sniffed)
 * is hashed once to get its digest.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Readable as ReadableStream } from 'node:stream';
import { z } from 'zod';
import { invalidInput, notFound } from '../../internal/errors.js';
import { sha256, sniffCompression } from '../blob.js';
import { TarTree } from '../file-tree.js';
import { type BlobStore, imageFromBlobs, maxConfigBytes, maxManifestBytes, readSmallBlob } from '../from-blobs.js';
import { readLayout, readLayoutIndex, layoutBlobStore, imageNameAnnotation, refNameAnnotation } from '../layout/read.js';
import { layerMediaType, mediaTypes } from '../media-types.js';
import { canonical, parseReference, withDefaultTag } from '../reference.js';
import { configSchema } from '../schemas.js';
import { parseJson } from '../../internal/parse-json.js';
import { normaliseArchivePath, spoolToTempFile, TarIndex, type TarEntry } from '../tar-index.js';
import type { Descriptor, Digest, Image, Manifest } from '../types.js';

const archiveManifestSchema = z.array(
  z.looseObject({
    Config: z.string().min(1),
    RepoTags: z.array(z.string()).nullable().optional(),
    Layers: z.array(z.string().min(1)),
  }),
);

export interface ArchiveEntry {
  config: string;
  repoTags: string[];
  layers: string[];
}

/** Which image of a multi-image archive: by reference (`docker-archive:x.tar:app:1`) or position (`@1`). */
export interface ArchiveSelector {
  reference?: string;
  position?: number;
}

/** The images listed in an archive's manifest.json, or undefined when it has none (a pure OCI layout). */
export async function listDockerArchive(tar: TarIndex): Promise<ArchiveEntry[] | undefined> {
  if (!tar.has('manifest.json')) return undefined;
  const raw = await tar.readSmall('manifest.json', maxManifestBytes);
  const entries = parseJson(raw, archiveManifestSchema, `${tar.subject}: manifest.json`, 'a docker save manifest');
  // hostile paths are refused here, before anything is opened
  const subject = `${tar.subject}: manifest.json`;
  return entries.map((e) => ({
    config: normaliseArchivePath(e.Config, subject),
    repoTags: e.RepoTags ?? [],
    layers: e.Layers.map((l) => normaliseArchivePath(l, subject)),
  }));
}

function normalisedName(reference: string): string {
  return canonical(withDefaultTag(parseReference(reference)));
}

function selectEntry(tar: TarIndex, entries: ArchiveEntry[], selector: ArchiveSelector): ArchiveEntry {
  if (entries.length === 0) throw notFound(tar.subject, 'manifest.json lists no images');
  if (selector.position !== undefined) {
    const entry = entries[selector.position];
    if (!entry) throw notFound(tar.subject, `no image @${selector.position}: the archive holds ${entries.length}`);
    return entry;
  }
  if (selector.reference !== undefined) {
    const wanted = normalisedName(selector.reference);
    const entry = entries.find((e) => e.repoTags.some((t) => normalisedName(t) === wanted));
    if (!entry) throw notFound(tar.subject, `no image tagged "${selector.reference}"`);
    return entry;
  }
  if (entries.length > 1) {
    throw invalidInput(tar.subject, `holds ${entries.length} images; choose one with docker-archive:PATH:REF or docker-archive:PATH:@N`);
  }
  return entries[0] as ArchiveEntry;
}

const blobPathRe = /^blobs\/(sha256)\/([0-9a-f]{64})$/;
const legacyConfigRe = /(?:^|\/)([0-9a-f]{64})(?:\.json)?$/;

async function hashEntry(tar: TarIndex, entry: TarEntry): Promise<Digest> {
  const hash = createHash('sha256');
  for await (const chunk of tar.open(entry)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Docker 25+ archives carry the real OCI manifest: find the one whose config is the entry's config, so that the
 * image keeps its manifest digest.
 */
async function ociManifestFor(tar: TarIndex, entry: ArchiveEntry): Promise<Image | undefined> {
  const match = blobPathRe.exec(entry.config.replace(/^\.\//, ''));
  if (!match || !tar.has('index.json') || !tar.has('oci-layout')) return undefined;
  const tree = new TarTree(tar);
  const store = layoutBlobStore(tree);
  const { manifests } = await readLayoutIndex(tree);
  for (const descriptor of manifests) {
    if (descriptor.mediaType !== mediaTypes.ociManifest && descriptor.mediaType !== mediaTypes.dockerManifest) continue;
    const raw = await readSmallBlob(store, descriptor, 'manifest', maxManifestBytes);
    const parsed = JSON.parse(raw.toString('utf8')) as { config?: { digest?: string } };
    if (parsed.config?.digest === `sha256:${match[2] ?? ''}`) return imageFromBlobs(store, raw, descriptor.mediaType);
  }
  return undefined;
}

/** Builds a Docker v2 manifest over the legacy files of one archive entry. */
async function legacyImage(tar: TarIndex, entry: ArchiveEntry): Promise<Image> {
  const rawConfig = await tar.readSmall(entry.config, maxConfigBytes);
  const configDigest = sha256(rawConfig);
  const named = legacyConfigRe.exec(entry.config);
  if (named && `sha256:${named[1] ?? ''}` !== configDigest) {
    throw invalidInput(`${tar.subject}: ${entry.config}`, `digest mismatch: content is ${configDigest}`);
  }
  const config = parseJson(rawConfig, configSchema, `${tar.subject}: ${entry.config}`, 'an image config');
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== entry.layers.length) {
    throw invalidInput(`${tar.subject}: manifest.json`, `lists ${entry.layers.length} layers but config ${entry.config} has ${diffIds.length} diff_ids`);
  }
  const blobs = new Map<Digest, TarEntry>();
  const layers: Descriptor[] = [];
  for (const [i, path] of entry.layers.entries()) {
    const file = tar.resolve(path);
    const compression = sniffCompression(await tar.head(file, 4));
    const digest = compression === 'none' ? (diffIds[i] as Digest) : await hashEntry(tar, file);
    blobs.set(digest, file);
    layers.push({ mediaType: layerMediaType('docker', compression), digest, size: file.size });
  }
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.dockerManifest,
    config: { mediaType: mediaTypes.dockerConfig, digest: configDigest, size: rawConfig.length },
    layers,
  };
  const store: BlobStore = {
    name: tar.subject,
    open(descriptor: Descriptor): Promise<Readable> {
      if (descriptor.digest === configDigest) return Promise.resolve(ReadableStream.from([rawConfig]));
      const file = blobs.get(descriptor.digest);
      if (!file) return Promise.reject(notFound(tar.subject, `no blob ${descriptor.digest}`));
      return Promise.resolve(tar.open(file));
    },
  };
  return imageFromBlobs(store, Buffer.from(JSON.stringify(manifest)), mediaTypes.dockerManifest);
}

/** Opens one image of an indexed docker archive. */
export async function readDockerArchive(tar: TarIndex, selector: ArchiveSelector = {}): Promise<Image> {
  const entries = await listDockerArchive(tar);
  if (entries === undefined) {
    // An OCI layout without manifest.json: select by the image name Docker and containerd annotate
    const tree = new TarTree(tar);
    const wanted = selector.reference === undefined ? undefined : normalisedName(selector.reference);
    const artifact = await readLayout(tree, {
      ...(selector.position === undefined ? {} : { position: selector.position }),
      ...(selector.reference === undefined
        ? {}
        : { match: (d: Descriptor) => d.annotations?.[imageNameAnnotation] === wanted || d.annotations?.[refNameAnnotation] === selector.reference }),
    });
    if (artifact.kind !== 'image') throw invalidInput(tar.subject, 'holds a multi-platform index; docker archives hold single images');
    return artifact.image;
  }
  const entry = selectEntry(tar, entries, selector);
  return (await ociManifestFor(tar, entry)) ?? legacyImage(tar, entry);
}

/** Opens one image of a docker archive file. */
export async function openDockerArchive(path: string, selector: ArchiveSelector = {}): Promise<Image> {
  return readDockerArchive(await TarIndex.open(path, `docker-archive:${path}`), selector);
}

export interface SpooledImage {
  image: Image;
  /** Removes the spooled copy; the image's layers cannot be read afterwards. */
  close(): Promise<void>;
}

/** Reads an archive that arrives as a stream (the engine's export, stdin): spooled to a temp file first. */
export async function openDockerArchiveStream(source: Readable, subject: string, selector: ArchiveSelector = {}, tempDir?: string): Promise<SpooledImage> {
  const spooled = await spoolToTempFile(source, subject, tempDir);
  try {
    const image = await readDockerArchive(await TarIndex.open(spooled.path, subject), selector);
    return { image, close: () => spooled.remove() };
  } catch (error) {
    await spooled.remove();
    throw error;
  }
}
