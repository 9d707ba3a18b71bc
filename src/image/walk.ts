/**
 * Every blob an artifact is made of, children before parents, so that a sink writes content before the manifests
 * that point to it (as a registry requires, and so that an interrupted write never leaves a dangling manifest).
 */
import type { Readable } from 'node:stream';
import { Readable as ReadableStream } from 'node:stream';
import { isIndexMediaType } from './media-types.js';
import type { Artifact, Descriptor, Image, ImageIndex, Layer } from './types.js';

export interface BlobVisit {
  kind: 'layer' | 'config' | 'manifest' | 'index';
  descriptor: Descriptor;
  /** The layer, for layer blobs (its compressed() stream is verified). */
  layer?: Layer;
  /** The bytes, for small blobs (configs and manifests). */
  bytes?: Buffer;
  open(): Promise<Readable>;
}

export function imageDescriptor(image: Image): Descriptor {
  return { mediaType: image.mediaType, digest: image.digest, size: image.rawManifest.length };
}

export function indexDescriptor(index: ImageIndex): Descriptor {
  return { mediaType: index.mediaType, digest: index.digest, size: index.rawManifest.length };
}

function bytesVisit(kind: BlobVisit['kind'], descriptor: Descriptor, bytes: Buffer): BlobVisit {
  return { kind, descriptor, bytes, open: () => Promise.resolve(ReadableStream.from([bytes])) };
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async generator so that it composes with indexBlobs
async function* imageBlobs(image: Image): AsyncGenerator<BlobVisit> {
  for (const layer of image.layers) yield { kind: 'layer', descriptor: layer.descriptor, layer, open: () => layer.compressed() };
  yield bytesVisit('config', image.manifest.config, image.rawConfig);
  yield bytesVisit('manifest', imageDescriptor(image), image.rawManifest);
}

async function* indexBlobs(index: ImageIndex): AsyncGenerator<BlobVisit> {
  for (const child of index.manifest.manifests) {
    if (isIndexMediaType(child.mediaType)) yield* indexBlobs(await index.index(child.digest));
    else yield* imageBlobs(await index.image(child.digest));
  }
  yield bytesVisit('index', indexDescriptor(index), index.rawManifest);
}

/** The blobs of an image or index, children first; the last one is the top-level manifest. */
export function artifactBlobs(artifact: Artifact): AsyncGenerator<BlobVisit> {
  return artifact.kind === 'image' ? imageBlobs(artifact.image) : indexBlobs(artifact.index);
}

export function artifactDescriptor(artifact: Artifact): Descriptor {
  return artifact.kind === 'image' ? imageDescriptor(artifact.image) : indexDescriptor(artifact.index);
}
