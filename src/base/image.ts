/**
 * Turns layer tars held in memory into an `Image` of the shared model: gzip layers (deterministic: node's
 * zlib writes no name and no time in the gzip header), an OCI config and manifest with sorted, stable JSON.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { sha256 } from '../image/blob.js';
import { mediaTypes } from '../image/media-types.js';
import type { ContainerConfig, Descriptor, Digest, HistoryEntry, Image, ImageConfig, Layer, Manifest } from '../image/types.js';

export interface LayerInput {
  tar: Buffer;
  createdBy: string;
}

class MemoryLayer implements Layer {
  readonly descriptor: Descriptor;
  readonly diffId: Digest;
  readonly uncompressedSize: number;

  constructor(
    private readonly tar: Buffer,
    private readonly blob: Buffer,
  ) {
    this.descriptor = { mediaType: mediaTypes.ociLayerGzip, digest: sha256(blob), size: blob.length };
    this.diffId = sha256(tar);
    this.uncompressedSize = tar.length;
  }

  compressed(): Promise<Readable> {
    return Promise.resolve(Readable.from([this.blob]));
  }

  uncompressed(): Promise<Readable> {
    return Promise.resolve(Readable.from([this.tar]));
  }
}

export interface ImageSpec {
  architecture: string;
  created: string;
  layers: readonly LayerInput[];
  config: ContainerConfig;
}

/** Builds the image; the same inputs give the same bytes, so the same digest. */
export function imageFromTars(spec: ImageSpec): Image {
  const layers = spec.layers.map((l) => new MemoryLayer(l.tar, gzipSync(l.tar, { level: 6 })));
  const history: HistoryEntry[] = spec.layers.map((l) => ({ created: spec.created, created_by: l.createdBy }));
  const config: ImageConfig = {
    created: spec.created,
    architecture: spec.architecture,
    os: 'linux',
    config: spec.config,
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history,
  };
  const rawConfig = Buffer.from(JSON.stringify(config));
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, digest: sha256(rawConfig), size: rawConfig.length },
    layers: layers.map((l) => l.descriptor),
  };
  const rawManifest = Buffer.from(JSON.stringify(manifest));
  return { mediaType: mediaTypes.ociManifest, rawManifest, manifest, digest: sha256(rawManifest), rawConfig, config, layers };
}
