/**
 * Turns layer tars held in memory into an `Image` of the shared model: gzip layers (deterministic: node's
 * zlib writes no name and no time in the gzip header), an OCI config and manifest with sorted, stable JSON.
 */
import { gzipSync } from 'node:zlib';
import { sha256 } from '../image/blob.js';
import { mediaTypes } from '../image/media-types.js';
import { append, MemoryLayer } from '../image/mutate/append.js';
import type { ContainerConfig, Image, ImageConfig, Manifest } from '../image/types.js';

export interface LayerInput {
  tar: Buffer;
  createdBy: string;
}

export interface ImageSpec {
  architecture: string;
  created: string;
  layers: readonly LayerInput[];
  config: ContainerConfig;
}

/** An image with no layers and no history: what `append` builds a base on. */
function emptyImage(architecture: string): Image {
  const config: ImageConfig = { architecture, os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, history: [] };
  const rawConfig = Buffer.from(JSON.stringify(config));
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, digest: sha256(rawConfig), size: rawConfig.length },
    layers: [],
  };
  const rawManifest = Buffer.from(JSON.stringify(manifest));
  return { mediaType: mediaTypes.ociManifest, rawManifest, manifest, digest: sha256(rawManifest), rawConfig, config, layers: [] };
}

/** Builds the image (mutate's `append` over an empty base); the same inputs give the same bytes, so the same digest. */
export function imageFromTars(spec: ImageSpec): Image {
  const layers = spec.layers.map((l) => ({ layer: new MemoryLayer(l.tar, gzipSync(l.tar, { level: 6 })), createdBy: l.createdBy }));
  return append(emptyImage(spec.architecture), layers, { config: spec.config, created: spec.created });
}
